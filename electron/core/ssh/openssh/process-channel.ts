// A channel made by an OpenSSH mux client (`ssh -S socket … -- command` or `-W host:port`): its stdin and stdout
// are the channel, its stderr beside it, and its exit is the command's (known before 'close', as ssh2's channels).
import type { ChildProcess } from 'node:child_process';
import { Duplex, type Readable } from 'node:stream';
import type { ExitStatus, SessionChannel } from '../ssh-connection.js';

export class ProcessChannel extends Duplex implements SessionChannel {
  readonly stderr: Readable;
  private status: ExitStatus | undefined;

  /**
   * `lost`, asked when the client exits with 255 (it could not run the command, or the master went away): true when
   * the connection is gone, and then the command has no exit status, as on an ssh2 channel of a dropped connection.
   */
  constructor(
    private readonly child: ChildProcess,
    lost: () => Promise<boolean> = async () => false,
  ) {
    // Closed when the process has exited, not when both directions end: 'exit' must come first, and all of stderr.
    super({ allowHalfOpen: true, autoDestroy: false });
    const { stdin, stdout, stderr } = child;
    if (!stdin || !stdout || !stderr) throw new TypeError('a mux client needs its stdio as pipes');
    this.stderr = stderr;
    // A write after it exited fails with EPIPE; its exit says what happened.
    stdin.on('error', () => {});
    stdout.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) stdout.pause();
    });
    stdout.once('end', () => this.push(null));
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      void (code === 255 ? lost() : Promise.resolve(false)).then((gone) => {
        // OpenSSH's client exits with the command's status, or 255 when it could not run it.
        if (!gone) {
          this.status = { code, signal };
          this.emit('exit', code, signal ?? undefined);
        }
        if (this.readableEnded) this.destroy();
        else this.once('end', () => this.destroy());
      });
    });
    child.once('error', (err) => this.destroy(err));
  }

  exitStatus(): ExitStatus | undefined {
    return this.status;
  }

  override _read(): void {
    this.child.stdout?.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    const stdin = this.child.stdin;
    if (!stdin || stdin.destroyed) return done();
    stdin.write(chunk, () => done());
  }

  override _final(done: (err?: Error | null) => void): void {
    this.child.stdin?.end();
    done();
  }

  close(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
  }
}
