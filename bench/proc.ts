// Process plumbing for the benchmark: children that announce themselves with one JSON line, stopping process trees by
// PID (leaves first, never by name), and what /proc says about a process: CPU time, RSS and its TCP connections.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { descendantLevels, procStat } from '../testkit/process-tree.js';

const started = new Set<ChildProcess>();

/** Every child the benchmark started and has not stopped yet. */
export function liveChildren(): ChildProcess[] {
  return [...started].filter((child) => child.exitCode === null && child.signalCode === null);
}

export function startChild(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}

/** Resolves with the first stdout line that parses as JSON; rejects if the child exits or stays silent. */
export function readyLine<T>(child: ChildProcess, what: string, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => fail(new Error(`${what} did not get ready within ${timeoutMs / 1000} s\n${stderr}`)), timeoutMs);
    const onExit = (code: number | null, signal: string | null) =>
      fail(new Error(`${what} exited (${code ?? signal}) before it was ready\n${stderr}`));
    const fail = (err: Error) => {
      clearTimeout(timer);
      lines.close();
      child.off('exit', onExit);
      reject(err);
    };
    child.once('exit', onExit);
    lines.on('line', (line) => {
      let value: T;
      try {
        value = JSON.parse(line) as T;
      } catch {
        return;
      }
      clearTimeout(timer);
      child.off('exit', onExit);
      lines.close();
      resolve(value);
    });
  });
}

/** Last resort on an unexpected exit: SIGKILL every child still running, by PID. */
export function killAllSync(): void {
  for (const child of liveChildren()) {
    try {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

const clockTicks = 100; // USER_HZ on Linux

/** User + system CPU seconds a process has used so far. */
export async function cpuSeconds(pid: number): Promise<number> {
  const { user, system } = await cpuTimes(pid);
  return user + system;
}

/** User and system CPU seconds a process has used so far. */
export async function cpuTimes(pid: number): Promise<{ user: number; system: number }> {
  const fields = await procStat(pid);
  if (!fields) throw new Error(`process ${pid} is gone`);
  // utime and stime are fields 14 and 15 of /proc/PID/stat, i.e. 11 and 12 after the command name.
  return { user: Number(fields[11]) / clockTicks, system: Number(fields[12]) / clockTicks };
}

/** Resident set size in MiB. */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  return kib / 1024;
}

interface TcpEntry {
  localPort: number;
  remotePort: number;
  inode: string;
}

/** ESTABLISHED IPv4 TCP connections on this machine (/proc/net/tcp). */
async function establishedTcp(): Promise<TcpEntry[]> {
  const text = await readFile('/proc/net/tcp', 'utf8');
  const entries: TcpEntry[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10 || cols[3] !== '01') continue;
    entries.push({
      localPort: parseInt(cols[1]!.split(':')[1]!, 16),
      remotePort: parseInt(cols[2]!.split(':')[1]!, 16),
      inode: cols[9]!,
    });
  }
  return entries;
}

async function socketInodes(pid: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match) inodes.add(match[1]!);
  }
  return inodes;
}

/** How many ESTABLISHED connections process `pid` holds to each of `ports`, and how many each port has in all. */
export async function connectionsTo(pids: number[], ports: number[]): Promise<{ fromPids: Map<number, number>; atServer: Map<number, number> }> {
  const tcp = await establishedTcp();
  const owned = new Set<string>();
  for (const pid of pids) for (const inode of await socketInodes(pid)) owned.add(inode);
  const fromPids = new Map(ports.map((p) => [p, 0]));
  const atServer = new Map(ports.map((p) => [p, 0]));
  for (const entry of tcp) {
    if (fromPids.has(entry.remotePort) && owned.has(entry.inode)) fromPids.set(entry.remotePort, fromPids.get(entry.remotePort)! + 1);
    if (atServer.has(entry.localPort)) atServer.set(entry.localPort, atServer.get(entry.localPort)! + 1);
  }
  return { fromPids, atServer };
}

/** Busy and total CPU time of the whole machine so far, in clock ticks (from /proc/stat). */
export async function machineTicks(): Promise<{ busy: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

/** CPU ticks used so far by this process and everything below it (reaped children included). */
export async function ownTicks(): Promise<number> {
  let ticks = 0;
  for (const pid of [process.pid, ...(await descendantLevels(process.pid)).flat()]) {
    const fields = await procStat(pid);
    // utime, stime, cutime, cstime
    if (fields) ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return ticks;
}

/** Measures how much of the machine other work (not this process tree) used between start() and stop(). */
export async function foreignLoad(): Promise<() => Promise<number>> {
  const [m0, o0] = [await machineTicks(), await ownTicks()];
  return async () => {
    const [m1, o1] = [await machineTicks(), await ownTicks()];
    return Math.max(0, ((m1.busy - m0.busy - (o1 - o0)) / (m1.total - m0.total)) * 100);
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
