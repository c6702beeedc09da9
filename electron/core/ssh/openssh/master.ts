// The master connection: `ssh -M -N` with hubtray's own control socket, in a process group of its own that hubtray
// stops by PID. It reads the user's ssh config (-F), logs in (questions go through the askpass helper), keeps the
// connection alive with ServerAlive, and serves every command and forward through the control socket. Its -v lines
// tell where the login stands, so that a TCP connect stuck in SYN backoff can be tried afresh, as with ssh2.
import { spawn, type ChildProcess } from 'node:child_process';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { SshTarget } from '../ssh-target.js';
import { SshError } from '../ssh-error.js';
import { signalGroup } from '../process-group.js';

const killAfterMs = 2000;
const readyPollMs = 50;
const keptLines = 30;

export interface MasterOptions {
  ssh: string;
  configPath: string;
  target: SshTarget;
  controlPath: string;
  /** The askpass helper's variables. */
  env: Record<string, string>;
  /** As LoginTry.tcpConnected: the login goes on (no argument), or waits for a TCP connect (what it waits for). */
  progress: (waitingFor?: string) => void;
}

export interface MasterExit {
  status: number | null;
  signal: NodeJS.Signals | null;
}

/** ssh's options for hubtray's master; they come before the config file's, so they win. */
export function masterArgs(options: Pick<MasterOptions, 'configPath' | 'target' | 'controlPath'>): string[] {
  const { target } = options;
  const set = (option: string, value: string | number) => ['-o', `${option}=${value}`];
  return [
    '-v',
    '-F',
    options.configPath,
    '-M',
    '-N',
    '-S',
    options.controlPath,
    ...set('ControlPersist', 'no'),
    ...set('ServerAliveInterval', target.keepaliveIntervalSeconds),
    ...set('ServerAliveCountMax', target.keepaliveCountMax),
    ...set('ConnectTimeout', target.connectTimeoutSeconds),
    // Questions go to hubtray's prompts; the forwards and commands of the user's config are not hubtray's.
    ...set('BatchMode', 'no'),
    ...set('ClearAllForwardings', 'yes'),
    ...set('RemoteCommand', 'none'),
    ...set('PermitLocalCommand', 'no'),
    ...set('ForkAfterAuthentication', 'no'),
    ...(target.user !== undefined ? ['-l', target.user] : []),
    ...(target.port !== undefined ? ['-p', String(target.port)] : []),
    ...(target.identityFile !== undefined ? ['-i', target.identityFile] : []),
    '--',
    target.host,
  ];
}

export class OpenSshMaster {
  readonly exited: Promise<MasterExit>;
  private readonly child: ChildProcess;
  private exit: MasterExit | undefined;
  private readonly said: string[] = [];

  constructor(private readonly options: MasterOptions) {
    this.child = spawn(options.ssh, masterArgs(options), {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
      env: { ...process.env, ...options.env },
    });
    this.exited = new Promise((resolve) => {
      const ended = (exit: MasterExit) => {
        if (this.exit) return;
        // What it left in its group (a ProxyJump's `ssh -W`, a ProxyCommand) goes too, while the group is surely ours.
        this.signal('SIGTERM');
        this.exit = exit;
        resolve(exit);
      };
      this.child.once('exit', (status, signal) => ended({ status, signal }));
      this.child.once('error', (err) => {
        this.said.push(`could not start ${options.ssh}: ${err.message}`);
        if (this.child.pid === undefined) ended({ status: null, signal: null });
      });
    });
    if (this.child.stderr) createInterface({ input: this.child.stderr }).on('line', (line) => this.heard(line));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Its last words that were not debug output, e.g. "Permission denied (publickey)." */
  lastWords(): string[] {
    return [...this.said];
  }

  /** Resolves once the control socket answers; rejects with what the master said if it exits first. */
  async ready(signal: AbortSignal): Promise<void> {
    while (this.running) {
      if (signal.aborted) throw signal.reason;
      if (await exists(this.options.controlPath)) return;
      await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, readyPollMs))]);
    }
    throw new SshError('unreachable', 'the master exited');
  }

  /** SIGTERM to its group, SIGKILL after 2 s; resolves once it has exited. */
  async stop(): Promise<MasterExit> {
    if (this.exit) return this.exit;
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), killAfterMs);
    timer.unref();
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private heard(line: string): void {
    const { progress } = this.options;
    // The first hop answered (or its ProxyCommand started): a login goes on from here.
    if (/^debug1: (Connection established|Executing proxy command)/.test(line)) progress();
    else if (/^debug1: Remote protocol version/.test(line)) progress();
    // Logged in to a jump host, which now connects to the next hop: a TCP connect that may be stuck as ours may.
    else if (/^Authenticated to /.test(line)) progress(`from ${line.replace(/^Authenticated to (\S+).*$/, '$1')} to the next hop`);
    // Debug output, the version banner of -v and the byte counts at exit say nothing about a failure.
    if (/^(debug\d: |OpenSSH_|Transferred: |Bytes per second)/.test(line)) return;
    this.said.push(line.slice(0, 500));
    if (this.said.length > keptLines) this.said.shift();
  }

  /** The whole group, by the PID that leads it (see signalGroup). */
  private signal(name: NodeJS.Signals): void {
    signalGroup(this.child, this.exit !== undefined, name);
  }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
