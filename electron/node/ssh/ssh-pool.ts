// The SSH layer's front door: one connection per target (like OpenSSH's ControlMaster), shared by every command
// and forward to it, and rebuilt on the next use after it drops.
import os from 'node:os';
import path from 'node:path';
import type { Prompter } from '../prompts.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { openConnection, type SshConnection } from './connection.js';
import { SshError } from './errors.js';
import { abortable, runCommand, stopSignal, type ExecOptions, type ExecResult } from './exec.js';
import { openLocalForward, type LocalForward } from './local-forward.js';
import { resolveChain } from './ssh-config.js';
import { sshTargetKey, type SshTarget } from './ssh-target.js';

export { SshError } from './errors.js';
export type { SshErrorCode } from './errors.js';
export type { LocalForward } from './local-forward.js';
export type { ExecOptions, ExecResult } from './exec.js';

export interface SshPoolOptions {
  prompter: Prompter;
  secrets: SecretStore;
  /** Default: $HUBTRAY_SSH_CONFIG, else ~/.ssh/config. A missing file is fine. */
  sshConfigPath?: string;
  /** Default: $SSH_AUTH_SOCK. An empty string means no agent. */
  agentSocket?: string;
  /** Never receives secrets. */
  log?: (line: string) => void;
}

export class SshPool {
  private readonly connections = new Map<string, Promise<SshConnection>>();
  private readonly forwards = new Set<LocalForward>();
  private readonly shutdown = new AbortController();
  private readonly configPath: string;
  private readonly log: (line: string) => void;

  constructor(private readonly options: SshPoolOptions) {
    this.configPath = options.sshConfigPath ?? process.env.HUBTRAY_SSH_CONFIG ?? path.join(os.homedir(), '.ssh', 'config');
    this.log = options.log ?? (() => {});
  }

  async exec(target: SshTarget, command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const stop = stopSignal(opts, target.host);
    try {
      const connection = await abortable(this.connection(target), stop.signal);
      return await runCommand(connection, command, opts.stdin, stop.signal);
    } finally {
      stop.dispose();
    }
  }

  async forwardLocal(target: SshTarget, remote: { host: string; port: number }, opts: { localPort?: number } = {}): Promise<LocalForward> {
    this.assertOpen();
    const forward = await openLocalForward({
      connect: () => this.connection(target),
      remote,
      localPort: opts.localPort,
      log: this.log,
      onClosed: (closed) => this.forwards.delete(closed),
    });
    this.forwards.add(forward);
    return forward;
  }

  /** The user name the connection to `target` logged in as. */
  async remoteUser(target: SshTarget): Promise<string> {
    return (await this.connection(target)).user;
  }

  async close(): Promise<void> {
    this.shutdown.abort(new SshError('cancelled', 'the SSH pool was closed'));
    const connections = [...this.connections.values()];
    this.connections.clear();
    await Promise.all([...this.forwards].map((forward) => forward.close()));
    await Promise.all(connections.map((pending) => pending.then((connection) => connection.end(), () => {})));
  }

  /** The live connection for `target`; concurrent callers share one attempt. */
  private connection(target: SshTarget): Promise<SshConnection> {
    try {
      this.assertOpen();
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const key = sshTargetKey(target);
    const existing = this.connections.get(key);
    // A connection that dropped a moment ago may still be in the map until its close listener has run.
    if (existing) return existing.then((connection) => (connection.closed ? this.connection(target) : connection));
    const pending = this.open(target);
    this.connections.set(key, pending);
    const forget = () => {
      if (this.connections.get(key) === pending) this.connections.delete(key);
    };
    pending.then((connection) => connection.onClose(forget), forget);
    return pending;
  }

  private async open(target: SshTarget): Promise<SshConnection> {
    const chain = await resolveChain(target, this.configPath);
    return openConnection(chain, {
      connectTimeoutMs: target.connectTimeoutSeconds * 1000,
      keepaliveIntervalMs: target.keepaliveIntervalSeconds * 1000,
      keepaliveCountMax: target.keepaliveCountMax,
      auth: {
        prompter: this.options.prompter,
        secrets: this.options.secrets,
        agentSocket: this.options.agentSocket ?? process.env.SSH_AUTH_SOCK,
        log: this.log,
        signal: this.shutdown.signal,
      },
    });
  }

  private assertOpen(): void {
    if (this.shutdown.signal.aborted) throw new SshError('cancelled', 'the SSH pool is closed');
  }
}
