// ProxyCommand, run as OpenSSH runs it: `exec COMMAND` by the user's shell ($SHELL, else /bin/sh), its stdin and
// stdout the connection. It leads a process group of its own, so that what a wrapper script or a pipeline started
// goes with it, and no terminal signal or prompt of hubtray's reaches it. Its stderr's tail is kept for the message
// when it fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { Duplex } from 'node:stream';
import { SshError } from './ssh-error.js';
import { signalGroup } from './process-group.js';

const stderrTailChars = 4096;
const killAfterMs = 2000;
/** A command that closed its stdout or stdin is usually exiting: its own exit status says more than a signal would. */
const exitGraceMs = 1000;

interface Exit {
  /** The exit status; null when a signal ended it, or when it never started. */
  status: number | null;
  signal: NodeJS.Signals | null;
  /** Why it could not be started (the shell is missing, say). */
  spawnError?: Error;
  /** It ended before hubtray stopped it. */
  byItself: boolean;
}

export class ProxyCommand {
  readonly sock: Duplex;
  private readonly child: ChildProcess;
  private stderrTail = '';
  private exit: Exit | undefined;
  private stopping = false;
  private hungUp = false;
  private readonly exited: Promise<Exit>;

  constructor(
    private readonly command: string,
    private readonly alias: string,
    log: (line: string) => void,
  ) {
    this.child = spawn(process.env.SHELL || '/bin/sh', ['-c', `exec ${command}`], { stdio: 'pipe', detached: true });
    const { stdin, stdout, stderr } = this.child;
    stderr?.setEncoding('utf8');
    stderr?.on('data', (text: string) => (this.stderrTail = (this.stderrTail + text).slice(-stderrTailChars)));
    this.exited = new Promise((resolve) => {
      const ended = (exit: Omit<Exit, 'byItself'>) => {
        if (this.exit) return;
        // Whatever it left in its group (a wrapper's helper) goes too: the group's ID cannot have been reused yet.
        this.signal('SIGTERM');
        this.exit = { ...exit, byItself: !this.stopping };
        log(`ssh: ProxyCommand for ${alias} (pid ${this.child.pid}) ${describeExit(this.exit)}${this.lastLine ? `: ${this.lastLine}` : ''}`);
        resolve(this.exit);
      };
      this.child.once('exit', (status, signal) => ended({ status, signal }));
      this.child.once('error', (err) => {
        if (this.child.pid === undefined) ended({ status: null, signal: null, spawnError: err });
      });
    });
    stdout?.once('end', () => (this.hungUp = true));
    this.sock = Duplex.from({ readable: stdout, writable: stdin });
    // A write after it exited fails with EPIPE; its exit explains the failure better.
    stdin?.on('error', () => (this.hungUp = true));
    // The log never gets the command itself, which may hold a token.
    if (this.child.pid !== undefined) log(`ssh: ProxyCommand for ${alias} started (pid ${this.child.pid})`);
  }

  /** Stops it (SIGTERM, then SIGKILL after 2 s) unless it has ended, and resolves once it has. */
  async stop(): Promise<Exit> {
    if (this.hungUp && !this.exit) await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, exitGraceMs))]);
    if (!this.exit && !this.stopping) {
      this.stopping = true;
      this.signal('SIGTERM');
      const timer = setTimeout(() => this.signal('SIGKILL'), killAfterMs);
      void this.exited.finally(() => clearTimeout(timer));
    }
    return this.exited;
  }

  /**
   * The failure of a login over this proxy, once it is stopped: when the transport failed, the proxy's exit and the
   * last line it wrote to stderr say why better than "the connection was closed".
   */
  explain(err: SshError, exit: Exit, handshakeDone: boolean): SshError {
    if (err.code !== 'unreachable' && err.code !== 'timeout') return err;
    const said = this.lastLine ? `: ${this.lastLine}` : ' (it wrote nothing to stderr)';
    if (!exit.byItself) return this.lastLine ? new SshError(err.code, `${err.message}; the ${this.label} said${said}`, { cause: err }) : err;
    const when = handshakeDone ? 'during the SSH login' : 'before the SSH handshake';
    // The shell's "not found" and "not executable": retrying cannot help until the config changes.
    const code = exit.status === 127 || exit.status === 126 || exit.spawnError ? 'config' : 'unreachable';
    return new SshError(code, `the ${this.label} ${describeExit(exit)} ${when}${said}`, { cause: err });
  }

  private get label(): string {
    return `ProxyCommand for ${this.alias} (${this.command})`;
  }

  private get lastLine(): string | undefined {
    return this.stderrTail.trimEnd().split('\n').at(-1)?.trim() || undefined;
  }

  /** The whole group, by the PID that leads it (see signalGroup). */
  private signal(name: NodeJS.Signals): void {
    signalGroup(this.child, this.exit !== undefined, name);
  }
}

function describeExit(exit: Exit): string {
  if (exit.spawnError) return `could not be started (${exit.spawnError.message})`;
  if (exit.signal) return `was ended by ${exit.signal}`;
  return `exited with status ${exit.status}`;
}
