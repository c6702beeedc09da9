// Runs one command on a connection and collects what it prints. Cancelling or timing out stops waiting and closes
// the channel.
import type { SshConnection } from './ssh-connection.js';
import { SshError } from './ssh-error.js';

export interface ExecOptions {
  stdin?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

const maxOutputBytes = 4 * 1024 * 1024;

/**
 * One signal for "stop waiting": the caller's abort (SshError 'cancelled') or the time limit (SshError 'timeout').
 * Its reason is the SshError to reject with.
 */
export function stopSignal(options: ExecOptions, where: string): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const cancel = () => controller.abort(new SshError('cancelled', `the command on ${where} was cancelled`));
  const external = options.signal;
  if (external?.aborted) cancel();
  else external?.addEventListener('abort', cancel, { once: true });
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(
          () => controller.abort(new SshError('timeout', `the command on ${where} did not finish within ${options.timeoutMs} ms`)),
          options.timeoutMs,
        );
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      external?.removeEventListener('abort', cancel);
    },
  };
}

/** Rejects with the signal's reason as soon as it fires, whatever `work` is still doing. */
export function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export async function runCommand(connection: SshConnection, command: string, stdin: string | undefined, signal: AbortSignal): Promise<ExecResult> {
  const channel = await connection.openSession(command, signal);
  return new Promise((resolve, reject) => {
    const stdout = new CappedBuffer();
    const stderr = new CappedBuffer();
    channel.on('data', (chunk: Buffer) => stdout.push(chunk));
    channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    channel.on('error', () => {
      // 'close' follows and decides the outcome.
    });
    const onAbort = () => {
      // sshd does not signal the command when its channel closes (ssh2 cannot send a 'signal' request once stdin
      // has ended): whoever starts long-running commands stops them by PID.
      channel.close();
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    channel.on('close', () => {
      signal.removeEventListener('abort', onAbort);
      const exit = channel.exitStatus();
      if (exit) {
        resolve({ code: exit.code, signal: exit.signal, stdout: stdout.text(), stderr: stderr.text() });
        return;
      }
      // sshd always sends exit-status or exit-signal before it closes a command's channel; a close without either is
      // the connection ending under it, and ssh2 closes the channels before it reports the end (seen under load).
      // Never a result with no status: a caller would read it as a command that ran.
      setImmediate(() => {
        const why = connection.closed ? connection.lostError().message : `the channel to ${connection.label} closed before the command's exit status came`;
        reject(new SshError('channel', `${why} while a command was running`));
      });
    });
    // The remote command must see end-of-file, or anything that reads stdin would wait forever.
    channel.end(stdin);
  });
}

/** Keeps the first maxOutputBytes: a runaway command must not exhaust memory. */
class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  push(chunk: Buffer): void {
    const room = maxOutputBytes - this.size;
    if (room <= 0) return;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(kept);
    this.size += kept.length;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
