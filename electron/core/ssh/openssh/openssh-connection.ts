// A connection made by the system's OpenSSH: a master hubtray owns (master.ts), and through its control socket a
// mux client per command (`ssh -S … -- command`), per forwarded connection (`-W host:port`, so that the local
// forward keeps its own listener and port) and per remote forward (`-O forward -R`). Keepalives are the master's
// ServerAlive; the link supervises it as it does an ssh2 connection.
import { rm } from 'node:fs/promises';
import type { Prompter } from '../../prompts/prompter.js';
import type { LoginTry } from '../link.js';
import { LoginDeadline } from '../login-deadline.js';
import { maxSessions, Slots } from '../session-slots.js';
import type { Channel, RemoteListener, SessionChannel, SshConnection } from '../ssh-connection.js';
import { errorMessage, SshError } from '../ssh-error.js';
import { ConnectionEnd } from '../connection-end.js';
import type { SshTarget } from '../ssh-target.js';
import { AskpassServer } from './askpass-server.js';
import type { ControlDir } from './control-dir.js';
import { loginFailure } from './login-failure.js';
import { OpenSshMaster } from './master.js';
import { lastLine, runMux, spawnMux } from './mux-client.js';
import { ProcessChannel } from './process-channel.js';
import { resolvedHost, type ResolvedHost } from './resolved-host.js';

export interface OpenSshOptions {
  target: SshTarget;
  configPath: string;
  /** The OpenSSH client, e.g. /usr/bin/ssh. */
  ssh: string;
  controlDir: ControlDir;
  prompter: Prompter;
  login: LoginTry;
  /** The pool's shutdown and the try's own. */
  signal: AbortSignal;
  /** Why OpenSSH logs in, for the log. */
  why: string;
  /** The same, shorter, for the start's events; none when the system asked for OpenSSH. */
  note: string | undefined;
  log: (line: string) => void;
}

const masterExitGraceMs = 250;
/** Nothing listens on port 1 (tcpmux) of a server: the server refuses such a forward at once, and a refusal is an answer. */
const probeDestination = ['-W', '127.0.0.1:1'];

export async function openOpenSsh(options: OpenSshOptions): Promise<OpenSshConnection> {
  const { target, log } = options;
  if (target.identityFile?.startsWith('keychain:')) {
    throw new SshError('config', `${target.host}: the key ${target.identityFile} is in hubtray's keychain, which the system's OpenSSH cannot read; set "ssh_transport": "ssh2", or give identity_file as a file`);
  }
  const host = await resolvedHost(options.ssh, options.configPath, target);
  const controlPath = await options.controlDir.socketPath('cm');
  const askpassPath = await options.controlDir.socketPath('ap');
  const { askpass } = await options.controlDir.prepare();
  await rm(controlPath, { force: true });
  log(`ssh: connecting to ${host.label} with the system's OpenSSH (${options.why})`);

  const unanswered = new AbortController();
  const { server, env } = await AskpassServer.open(askpassPath, askpass, {
    prompter: options.prompter,
    signal: options.signal,
    who: host.label,
    // Only the master asks, once it runs: by then the deadline is there.
    duringPrompt: (work) => deadline.pauseWhile(work),
    unanswered: (error) => unanswered.abort(error),
    log,
  });
  const expired = new AbortController();
  const deadline = new LoginDeadline(target.connectTimeoutSeconds * 1000, () => expired.abort());
  const master = new OpenSshMaster({ ssh: options.ssh, configPath: options.configPath, target, controlPath, env, progress: options.login.tcpConnected });
  try {
    await master.ready(AbortSignal.any([options.signal, expired.signal, unanswered.signal]));
  } catch (err) {
    await master.stop();
    await rm(controlPath, { force: true });
    if (options.signal.aborted) throw new SshError('cancelled', `connecting to ${host.label} was cancelled`, { cause: err });
    if (unanswered.signal.aborted) throw unanswered.signal.reason as SshError;
    if (expired.signal.aborted) {
      throw new SshError('timeout', `the system's OpenSSH did not finish the login to ${host.label} within ${target.connectTimeoutSeconds} s${said(master)}`, { cause: err });
    }
    throw await loginFailure(host.label, master.lastWords(), await master.exited);
  } finally {
    deadline.stop();
    // The login is over: nothing may ask through its FIFO any more.
    await server.close();
  }
  log(`ssh: connected to ${host.label} (OpenSSH master pid ${master.pid})`);
  return new OpenSshConnection(master, host, controlPath, options);
}

export class OpenSshConnection implements SshConnection {
  readonly user: string;
  readonly label: string;
  readonly transportNote: string | undefined;
  private readonly ending: ConnectionEnd;
  private readonly sessions = new Slots(maxSessions);
  private readonly ssh: string;
  private readonly log: (line: string) => void;

  constructor(
    private readonly master: OpenSshMaster,
    host: ResolvedHost,
    private readonly controlPath: string,
    options: Pick<OpenSshOptions, 'ssh' | 'log' | 'note'>,
  ) {
    this.user = host.user;
    this.label = host.label;
    this.ending = new ConnectionEnd(this.label);
    this.ssh = options.ssh;
    this.log = options.log;
    this.transportNote = options.note;
    // Owned here: whatever goes wrong after the master's end is logged, never an unhandled rejection.
    master.exited
      .then(async () => {
        this.teardown(new SshError('unreachable', `the connection to ${this.label} was lost${said(master)}`));
        await rm(controlPath, { force: true });
      })
      .catch((error: unknown) => this.log(`ssh: ${this.label}: cleaning up after the master's end failed: ${errorMessage(error)}`));
  }

  get closed(): boolean {
    return this.ending.closed;
  }

  /** Called once, when the connection is gone; at once (asynchronously) if it already is. */
  onClose(listener: (reason: SshError) => void): () => void {
    return this.ending.onClose(listener);
  }

  /** A stdio forward the server refuses at once: only a live chain answers, and no command runs there. */
  async answers(timeoutMs: number): Promise<boolean> {
    if (this.closed) return false;
    const probe = await runMux(this.ssh, this.controlPath, [...probeDestination, 'hubtray'], timeoutMs);
    return !/no answer within/.test(probe.said) && !this.closed;
  }

  async forwardOut(_srcIP: string, _srcPort: number, host: string, port: number): Promise<Channel> {
    this.assertOpen();
    const child = await spawnMux(this.ssh, this.controlPath, ['-W', `${host}:${port}`, 'hubtray']);
    const channel = new ProcessChannel(child);
    let stderr = '';
    channel.stderr.setEncoding('utf8');
    channel.stderr.on('data', (text: string) => (stderr = (stderr + text).slice(-2000)));
    channel.once('exit', (code: number | null) => {
      if (code !== 0 && code !== null && stderr) this.log(`ssh: ${this.label} could not connect to ${host}:${port}: ${lastLine(stderr)}`);
    });
    return channel;
  }

  async openSession(command: string, signal: AbortSignal): Promise<SessionChannel> {
    const slot = await this.sessions.acquire(signal);
    try {
      this.assertOpen();
      if (signal.aborted) throw signal.reason;
      // The command is on this computer's process list: hubtray's commands hold no secret (scripts go on stdin).
      const channel = new ProcessChannel(await spawnMux(this.ssh, this.controlPath, ['-T', 'hubtray', '--', command]), () => this.lostSoon());
      channel.once('close', slot.release);
      return channel;
    } catch (err) {
      slot.release();
      throw err;
    }
  }

  async listenRemote(remote: { host: string; port: number }, local: { host: string; port: number }, log: (line: string) => void): Promise<RemoteListener> {
    this.assertOpen();
    // The master knows the forward by the spec it was asked for (port 0 too), and cancels it by that spec only.
    const spec = `${remote.host}:${remote.port}:${local.host}:${local.port}`;
    const asked = await runMux(this.ssh, this.controlPath, ['-O', 'forward', '-R', spec, 'hubtray']);
    if (!asked.ok) {
      throw new SshError('channel', `${this.label} refused to listen on ${remote.host}:${remote.port} for hubtray (${asked.said}): is the port taken, or remote forwarding (AllowTcpForwarding) off there?`);
    }
    // Asked for port 0, OpenSSH prints the one the server chose.
    const port = remote.port || Number(asked.stdout.trim());
    let closed = false;
    return {
      port,
      close: async () => {
        if (closed || this.closed) return;
        closed = true;
        const cancelled = await runMux(this.ssh, this.controlPath, ['-O', 'cancel', '-R', spec, 'hubtray']);
        if (!cancelled.ok && !this.closed) log(`ssh: ${this.label}: could not stop the remote forward on ${remote.host}:${port}: ${cancelled.said}`);
      },
    };
  }

  lostError(): SshError {
    return this.ending.lostError();
  }

  async end(): Promise<void> {
    this.teardown(new SshError('cancelled', `the connection to ${this.label} was closed by hubtray`));
    await this.master.stop();
    await rm(this.controlPath, { force: true });
  }

  destroy(reason: SshError): void {
    this.teardown(reason);
    this.master.stop().catch((error: unknown) => this.log(`ssh: ${this.label}: stopping the master failed: ${errorMessage(error)}`));
  }

  /** Whether the master is gone, or goes within a moment: a mux client may notice its end before this process does. */
  private async lostSoon(): Promise<boolean> {
    await Promise.race([this.master.exited, new Promise((resolve) => setTimeout(resolve, masterExitGraceMs))]);
    return this.closed;
  }

  private assertOpen(): void {
    if (this.ending.closed) throw this.ending.lostError();
  }

  private teardown(reason: SshError): void {
    this.ending.end(reason, () => this.log(`ssh: connection to ${this.label} closed: ${errorMessage(reason)}`));
  }
}

function said(master: OpenSshMaster): string {
  const words = master.lastWords().at(-1);
  return words ? `: ${words}` : '';
}
