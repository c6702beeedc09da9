// OpenSSH's client run against a master's control socket only: `-F /dev/null` so that no config of the user's
// applies to it, and a ProxyCommand that fails, so that a missing master never turns into a login of its own.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { SshError } from '../ssh-error.js';

const maxOutputBytes = 64 * 1024;
/** Mux control requests (forward, cancel) are answered by the master, or through it by the server, at once. */
const controlTimeoutMs = 15_000;

export function muxArgs(controlPath: string, args: string[]): string[] {
  return ['-F', '/dev/null', '-S', controlPath, '-o', 'ControlMaster=no', '-o', 'ProxyCommand=false', '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', ...args];
}

/** A mux client whose stdio the caller uses (a command's session, a forwarded connection). */
export function spawnMux(ssh: string, controlPath: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(ssh, muxArgs(controlPath, args), { stdio: 'pipe' });
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve(child));
    child.once('error', (err) => reject(new SshError('channel', `could not start ${ssh}: ${err.message}`, { cause: err })));
  });
}

export interface MuxResult {
  ok: boolean;
  stdout: string;
  /** Its last line, for messages. */
  said: string;
}

/** A control request (`-O forward -R …`): what it printed, bounded, and whether it succeeded. */
export function runMux(ssh: string, controlPath: string, args: string[], timeoutMs = controlTimeoutMs): Promise<MuxResult> {
  return new Promise((resolve) => {
    const child = execFile(ssh, muxArgs(controlPath, args), { timeout: timeoutMs, maxBuffer: maxOutputBytes, encoding: 'utf8' }, (err, stdout, stderr) => {
      const timedOut = err !== null && 'killed' in err && err.killed;
      // A refused control request may still exit with status 0 (OpenSSH 9.2's `-O cancel`): its words tell.
      const refused = /request failed|forwarding failed/.test(stderr);
      resolve({ ok: !err && !refused, stdout, said: timedOut ? `no answer within ${timeoutMs / 1000} s` : lastLine(stderr) || (err?.message ?? '') });
    });
    // Nothing to send: a stdio forward that opened ends at once.
    child.stdin?.end();
  });
}

export function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1)?.trim().slice(0, 500) ?? '';
}
