// The SSH layer's front door: one connection per target (like OpenSSH's ControlMaster), shared by every command
// and forward to it. Each target's link rebuilds a dropped connection: in the background while forwards need it,
// otherwise on the next use. wake(), networkChanged() and a jump of the clock probe every connection at once.
import os from 'node:os';
import path from 'node:path';
import { hubtrayHome } from '../config/paths.js';
import { findOnPath } from '../config/find-on-path.js';
import type { Prompter } from '../prompts/prompter.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { ControlDir } from './openssh/control-dir.js';
import { chooseTransport } from './openssh/transport-choice.js';
import type { SshConnection } from './ssh-connection.js';
import { SshError } from './ssh-error.js';
import { abortable, runCommand, stopSignal, type ExecOptions, type ExecResult } from './exec.js';
import { demandSpacingMs, Link, type LoginTry } from './link.js';
import { openLocalForward, type LocalForward } from './local-forward.js';
import { openRemoteForward, type RemoteForward } from './remote-forward.js';
import { sshTargetKey, type SshTarget } from './ssh-target.js';
import { watchClock } from './wake-watch.js';

export { SshError } from './ssh-error.js';
export type { SshErrorCode } from './ssh-error.js';
export type { LocalForward } from './local-forward.js';
export type { RemoteForward } from './remote-forward.js';
export type { ExecOptions, ExecResult } from './exec.js';
export { watchNetwork } from './wake-watch.js';

export interface SshPoolOptions {
  prompter: Prompter;
  secrets: SecretStore;
  /** Default: $HUBTRAY_SSH_CONFIG, else ~/.ssh/config. A missing file is fine. */
  sshConfigPath?: string;
  /** Default: $SSH_AUTH_SOCK. An empty string means no agent. */
  agentSocket?: string;
  /** Never receives secrets. */
  log?: (line: string) => void;
  /** Where OpenSSH masters keep their control sockets; default: <HUBTRAY_HOME>/ssh. */
  controlDir?: string;
  /** The system's OpenSSH client; default: `ssh` on the PATH. */
  sshCommand?: string;
}

export class SshPool {
  private readonly links = new Map<string, { link: Link; target: SshTarget }>();
  private readonly forwards = new Set<LocalForward | RemoteForward>();
  private readonly shutdown = new AbortController();
  private readonly configPath: string;
  private readonly log: (line: string) => void;
  private readonly stopClockWatch: () => void;
  private readonly controlDir: ControlDir;
  private suspendedAt: number | undefined;

  constructor(private readonly options: SshPoolOptions) {
    this.configPath = options.sshConfigPath ?? process.env.HUBTRAY_SSH_CONFIG ?? path.join(os.homedir(), '.ssh', 'config');
    this.log = options.log ?? (() => {});
    this.controlDir = new ControlDir(options.controlDir ?? path.join(hubtrayHome(), 'ssh'));
    this.stopClockWatch = watchClock((lateMs) => void this.probeAll(`the clock jumped ${Math.round(lateMs / 1000)} s ahead`));
  }

  async exec(target: SshTarget, command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const stop = stopSignal(opts, target.host);
    try {
      const connection = await abortable(this.link(target).connect(), stop.signal);
      return await runCommand(connection, command, opts.stdin, stop.signal);
    } finally {
      stop.dispose();
    }
  }

  async forwardLocal(target: SshTarget, remote: { host: string; port: number }, opts: { localPort?: number } = {}): Promise<LocalForward> {
    const forward = await openLocalForward({
      link: this.link(target),
      remote,
      localPort: opts.localPort,
      // A local connection that arrives during a reconnect waits, bringing attempts forward, for about one whole
      // attempt against a dead path; attempts refused at once are tried again within that time.
      waitMs: target.connectTimeoutSeconds * 1000 + demandSpacingMs + 1000,
      log: this.log,
      onClosed: (closed) => this.forwards.delete(closed),
    });
    this.forwards.add(forward);
    return forward;
  }

  /** ssh -R: `target` listens on `remote`, and each connection there leads to `local` here; kept across reconnects. */
  async forwardRemote(target: SshTarget, remote: { host: string; port: number }, local: { host: string; port: number }): Promise<RemoteForward> {
    const forward = await openRemoteForward({ link: this.link(target), remote, local, log: this.log, onClosed: (closed) => this.forwards.delete(closed) });
    this.forwards.add(forward);
    return forward;
  }

  /** The user name the connection to `target` logged in as. */
  async remoteUser(target: SshTarget): Promise<string> {
    return (await this.link(target).connect()).user;
  }

  /** Whether a connection to `target` is open now: what may use it without a login (nor its prompts). */
  isConnected(target: SshTarget): boolean {
    return this.links.get(sshTargetKey(target))?.link.connection !== undefined;
  }

  /** How the live connection to `target` is made, when it is not hubtray's own client; for a start's events. */
  transportNote(target: SshTarget): string | undefined {
    return this.links.get(sshTargetKey(target))?.link.connection?.transportNote;
  }

  /** The computer is about to sleep. Only noted: wake() checks the connections afterwards. */
  suspend(): void {
    this.suspendedAt = Date.now();
    this.log('ssh: the computer is going to sleep');
  }

  /**
   * The computer woke up: every connection is probed now (a dead one is rebuilt at once) rather than when keepalives
   * time out. Resolves when every probe is done.
   */
  wake(): Promise<void> {
    const slept = this.suspendedAt === undefined ? '' : ` (asleep for ${Math.round((Date.now() - this.suspendedAt) / 1000)} s)`;
    this.suspendedAt = undefined;
    return this.probeAll(`a wake${slept}`);
  }

  /** The local network changed (see watchNetwork): probes every connection, as wake() does. */
  networkChanged(): Promise<void> {
    return this.probeAll('a network change');
  }

  async close(): Promise<void> {
    this.shutdown.abort(new SshError('cancelled', 'the SSH pool was closed'));
    this.stopClockWatch();
    const links = [...this.links.values()].map(({ link }) => link.close());
    this.links.clear();
    await Promise.all([...this.forwards].map((forward) => forward.close()));
    await Promise.all(links);
    await this.controlDir.close();
  }

  private async probeAll(reason: string): Promise<void> {
    if (this.shutdown.signal.aborted) return;
    this.log(`ssh: checking every connection after ${reason}`);
    // A probe that fails is that link's own trouble (it reconnects and reports its health); it must not escape.
    await Promise.allSettled([...this.links.values()].map(({ link }) => link.probe(reason)));
  }

  /** The target's link; one per target, so that every command and forward to it shares one connection. */
  private link(target: SshTarget): Link {
    this.assertOpen();
    const key = sshTargetKey(target);
    const entry = this.links.get(key);
    if (entry) {
      // Changed settings (timeouts, keepalives) apply from the next connection on.
      entry.target = target;
      return entry.link;
    }
    const link = new Link({ label: target.host, open: (login) => this.open(this.links.get(key)?.target ?? target, login), log: this.log });
    this.links.set(key, { link, target });
    return link;
  }

  // The transports load with the first connection: a hub with no SSH system never loads ssh2 (~13 MiB resident).
  private async open(target: SshTarget, login: LoginTry): Promise<SshConnection> {
    const chosen = await chooseTransport(target, this.configPath);
    const signal = AbortSignal.any([this.shutdown.signal, login.signal]);
    if (chosen.transport === 'openssh') {
      const ssh = this.options.sshCommand ?? findOnPath('ssh');
      if (!ssh) {
        throw new SshError('config', `${target.host}: the system's OpenSSH client (ssh) is not on the PATH, and it is needed (${chosen.why}); install OpenSSH's client, or set "ssh_transport": "ssh2"`);
      }
      const { openOpenSsh } = await import('./openssh/openssh-connection.js');
      return openOpenSsh({ target, configPath: this.configPath, ssh, controlDir: this.controlDir, prompter: this.options.prompter, login, signal, why: chosen.why, note: chosen.note, log: this.log });
    }
    const { openConnection } = await import('./connection.js');
    return openConnection(chosen.chain, {
      connectTimeoutMs: target.connectTimeoutSeconds * 1000,
      tcpConnected: login.tcpConnected,
      keepaliveIntervalMs: target.keepaliveIntervalSeconds * 1000,
      keepaliveCountMax: target.keepaliveCountMax,
      auth: {
        prompter: this.options.prompter,
        secrets: this.options.secrets,
        agentSocket: this.options.agentSocket ?? process.env.SSH_AUTH_SOCK,
        log: this.log,
        signal,
      },
    });
  }

  private assertOpen(): void {
    if (this.shutdown.signal.aborted) throw new SshError('cancelled', 'the SSH pool is closed');
  }
}
