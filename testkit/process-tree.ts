// Process trees, found through /proc by parent PID, for the test fixtures and the benchmark: both stop what they
// started by PID, never by name, and leaves first, so that each process is reaped by its own parent.
import type { ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

/**
 * Stops `child` and everything below it: descendants generation by generation from the leaves, then the child. With
 * `freeze`, the child is stopped (SIGSTOP) first, so that it cannot start a new process meanwhile (a shell loop).
 */
export async function stopTree(child: ChildProcess, last: NodeJS.Signals = 'SIGTERM', options: { freeze?: boolean } = {}): Promise<void> {
  const root = child.pid;
  if (root === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const send = (name: NodeJS.Signals) => signal(root, name);
  if (options.freeze) send('SIGSTOP');
  for (const level of (await descendantLevels(root)).reverse()) await terminate(level);
  send(last);
  // A stopped process gets its signal when it continues.
  if (options.freeze) send('SIGCONT');
  const timer = setTimeout(() => send('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** The processes below `root`, generation by generation. */
export async function descendantLevels(root: number): Promise<number[][]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = Number((await procStat(entry))?.[1]);
    if (ppid) parents.set(Number(entry), ppid);
  }
  const levels: number[][] = [];
  for (let level = [root]; ; ) {
    const next = [...parents].filter(([, ppid]) => level.includes(ppid)).map(([pid]) => pid);
    if (next.length === 0) return levels;
    levels.push(next);
    level = next;
  }
}

/** This process's descendants (the ssh and helpers hubtray started), with their command lines and environments. */
export async function descendantProcesses(): Promise<Array<{ pid: number; argv: string[]; env: string }>> {
  const found = await Promise.all(
    (await descendantLevels(process.pid)).flat().map(async (pid) => ({
      pid,
      argv: (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean),
      env: await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => ''),
    })),
  );
  // A process that ended meanwhile has no command line left.
  return found.filter((child) => child.argv.length > 0);
}

/** SIGTERM to each of `pids`, then SIGKILL to any still there after 5 s. */
export async function terminate(pids: number[]): Promise<void> {
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  for (const pid of pids) {
    while ((await isAlive(pid)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    if (await isAlive(pid)) signal(pid, 'SIGKILL');
  }
}

/** Every process below `root`, then `root`, SIGKILLed, leaves first. */
export async function killTree(root: number): Promise<void> {
  for (const level of (await descendantLevels(root)).reverse()) for (const pid of level) signal(pid, 'SIGKILL');
  signal(root, 'SIGKILL');
}

/** Zombies count as gone: in a container nobody may reap the orphans. */
export async function isAlive(pid: number): Promise<boolean> {
  const state = (await procStat(pid))?.[0];
  return state !== undefined && state !== 'Z';
}

/** The fields of /proc/PID/stat after the command name: [state, ppid, ...]. */
export async function procStat(pid: number | string): Promise<string[] | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // The command name may contain spaces and parentheses; what follows its last ')' is plain.
  return stat ? stat.slice(stat.lastIndexOf(')') + 2).split(' ') : undefined;
}

export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
