// Benchmark 6: the idle hub. `hubtray serve` (the built CLI) with N servers of a `local` system running and nothing
// else happening: what it costs to keep them (issue "Never lose a server").
//
// Each scenario gets a fresh HUBTRAY_HOME with one system, `bench` (kind `local`), whose cmd is the benchmark's
// stand-in Jupyter (jupyter-stand-in.ts, under this Node): the figures are the hub's, not the servers'. The scenario
// starts `hubtray serve`, starts its N servers with `hubtray start bench --name idle-K` (a few at a time), checks with
// `hubtray list --json` that all N run, lets the hub settle, then reads over the window (BENCH_IDLE_SECONDS):
// - /proc/PID/stat of the serve process: utime+stime (its own CPU), and cutime+cstime (its reaped children: the shell
//   scripts of its polls), as % of one CPU;
// - /proc/PID/status: VmRSS at the end of the window, VmHWM (the peak since it started);
// - /proc/PID/io: write_bytes (what it sent to storage) and wchar (every write(): files, pipes, sockets);
// - HUBTRAY_HOME, its logs/ and run/ under fs.watch (inotify): every file event by name, and state.json's rewrites
//   (an atomic write ends with a rename onto state.json), cross-checked by polling its inode every 100 ms;
// - HUBTRAY_HOME as a whole, every file's inode, size and mtime before and after the window: the bytes written
//   there (a new or replaced file counts whole, a file written in place by what it grew, or whole if it shrank).
// At the end it stops the servers with `hubtray stop`, then the serve process with SIGTERM (stopTree), by PID; a
// stand-in still alive after that (a failed stop) is ended by its PID from state.json.
import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommonSettings } from '../shared/kinds/settings.js';
import { startKeyring, type PrivateKeyring } from '../testkit/keyring.js';
import { isAlive, procStat, signal, stopTree } from '../testkit/process-tree.js';
import { requireFreshBuild } from '../testkit/build-freshness.js';
import { foreignLoad, rssMiB, sleep, startChild } from './proc.js';
import { repoRoot, rel } from './tunnels.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const standInScript = path.join(here, 'jupyter-stand-in.js');
export const cliPath = path.join(repoRoot, 'dist', 'cli', 'hubtray.js');
const clockTicks = 100; // USER_HZ on Linux

/** The poll_interval a system gets when its config names none (shared/kinds/settings.ts). */
export const defaultPollInterval = CommonSettings.parse({}).poll_interval;

export interface IdleScenario {
  servers: number;
  /** Seconds; null: poll_interval left out of config.json, so the hub's default applies. */
  pollInterval: number | null;
}

export interface IdleSettings {
  scenarios: IdleScenario[];
  windowSeconds: number;
  settleSeconds: number;
  /** How many `hubtray start` commands run at once. */
  parallelStarts: number;
}

export interface IdleFigures {
  scenario: IdleScenario;
  /** Seconds from the first `hubtray start` until all N were running. */
  startSeconds: number;
  running: number;
  windowSeconds: number;
  rssMiB: number;
  hwmMiB: number;
  /** utime+stime of the serve process, % of one CPU. */
  cpuPercent: number;
  /** cutime+cstime: what its children that ended during the window used, % of one CPU. */
  childCpuPercent: number;
  /** Per minute, from /proc/PID/io (the process: its threads and its children that ended). */
  writeBytesPerMinute: number;
  wcharPerMinute: number;
  syscwPerMinute: number;
  cancelledWriteBytes: number;
  /** Bytes written to HUBTRAY_HOME per minute, from its files' inode, size and mtime before and after the window. */
  homeBytesPerMinute: number;
  /** The files in HUBTRAY_HOME that changed (new, replaced, written or gone), by name. */
  homeFilesChanged: string[];
  /** The part of write_bytes and wchar per minute that its own threads wrote (/proc/PID/task/*\/io); the rest is its children's. */
  ownWriteBytesPerMinute: number;
  ownWcharPerMinute: number;
  /** Polls in the window, estimated as servers × window / poll_interval (the jitter averages out). */
  pollsEstimated: number;
  /** state.json rewrites per minute (renames onto it, from fs.watch); distinct inodes seen by polling. */
  stateRewritesPerMinute: number;
  stateInodesSeen: number;
  stateBytes: number;
  /** fs.watch events in HUBTRAY_HOME during the window, per file (temp names folded), in the whole window. */
  fileEvents: Record<string, number>;
  /** CPU of all stand-in servers together, % of one CPU: they should be idle too. */
  standInCpuPercent: number;
  /** Other work on the machine during the window, % of all CPUs. */
  foreignPercent: number;
  /** The requests all stand-ins received in the window, by "METHOD /path" (the stand-in's own counts). */
  requests: Record<string, number>;
}

export interface IdleResult {
  defaultPollInterval: number;
  figures: IdleFigures[];
  commands: string[];
}

export const idleLabel = (s: IdleScenario) =>
  `${s.servers} servers, poll_interval ${s.pollInterval === null ? `${defaultPollInterval} s (default)` : `${s.pollInterval} s`}`;

export async function measureIdleHub(options: {
  settings: IdleSettings;
  log: (line: string) => void;
  /** Registers a clean-up step for the benchmark's end, its failure and Ctrl-C. */
  defer: (step: () => Promise<void>) => void;
}): Promise<IdleResult | string> {
  const { settings, log, defer } = options;
  const keyring = await prepareIdleHub(defer);
  if (typeof keyring === 'string') return keyring;
  const figures: IdleFigures[] = [];
  for (const scenario of settings.scenarios) {
    log(`idle hub: ${idleLabel(scenario)}; ${settings.settleSeconds} s to settle, then ${settings.windowSeconds} s idle`);
    figures.push(await runScenario(scenario, settings, keyring, log, defer));
    const f = figures.at(-1)!;
    log(
      `  RSS ${f.rssMiB.toFixed(1)} MiB, CPU ${f.cpuPercent.toFixed(2)} % (+${f.childCpuPercent.toFixed(2)} % children), ` +
        `write_bytes ${Math.round(f.writeBytesPerMinute)}/min, state.json ${f.stateRewritesPerMinute.toFixed(1)} rewrites/min`,
    );
  }
  return {
    defaultPollInterval,
    figures,
    commands: [
      `# HUBTRAY_HOME=TMP (fresh per scenario), DBUS_SESSION_BUS_ADDRESS=a private gnome-keyring (testkit/keyring.ts)`,
      `# config.json: ${JSON.stringify(benchConfig('TMP', settings.scenarios.find((s) => s.pollInterval !== null)?.pollInterval ?? null, 'COUNTS'))}`,
      `#   (poll_interval left out for the default rows)`,
      `node ${rel(cliPath)} serve`,
      `node ${rel(cliPath)} start bench --name idle-K --json      # K = 1..N, ${settings.parallelStarts} at a time`,
      `node ${rel(cliPath)} list --json                          # until all N are running`,
      `# the servers' command, as the spawner runs it: ${process.execPath} ${rel(standInScript)} --ip=127.0.0.1 --port-retries=0 --no-browser --port=P`,
      `node ${rel(cliPath)} stop idle-K                           # K = 1..N, then SIGTERM to the serve process`,
    ],
  };
}

/** What a run of idle-hub scenarios needs: Linux, a fresh build, a private keyring for the serve processes. */
export async function prepareIdleHub(defer: (step: () => Promise<void>) => void): Promise<PrivateKeyring | string> {
  if (process.platform !== 'linux') return 'needs Linux (/proc)';
  // Checked here rather than at the benchmark's start: the sources may change during the tunnel benchmarks.
  try {
    requireFreshBuild();
  } catch (error) {
    return (error as Error).message;
  }
  let keyring: PrivateKeyring;
  try {
    keyring = await startKeyring();
  } catch (error) {
    return `no private Secret Service for hubtray serve: ${(error as Error).message.split('\n')[0]}`;
  }
  defer(() => keyring.stop());
  return keyring;
}

/** The `bench` system; `extra`: more of its settings (the culler benchmark's cull_* settings). */
export function benchConfig(home: string, pollInterval: number | null, countsDir: string, extra: Record<string, unknown> = {}): unknown {
  return {
    systems: {
      bench: {
        kind: 'local',
        description: 'idle-hub benchmark: a stand-in Jupyter (bench/jupyter-stand-in.ts)',
        cmd: [process.execPath, standInScript],
        notebook_dir: home,
        environment: { STAND_IN_COUNTS_DIR: countsDir },
        ...(pollInterval === null ? {} : { poll_interval: pollInterval }),
        ...extra,
      },
    },
  };
}

/** One scenario: a fresh hub with its N servers, measured over the window. `system`: more of the system's settings. */
export async function runScenario(
  scenario: IdleScenario,
  settings: Pick<IdleSettings, 'windowSeconds' | 'settleSeconds' | 'parallelStarts'>,
  keyring: PrivateKeyring,
  log: (line: string) => void,
  defer: (step: () => Promise<void>) => void,
  system: Record<string, unknown> = {},
): Promise<IdleFigures> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'hubtray-bench-idle-'));
  defer(() => rm(home, { recursive: true, force: true }));
  // Outside HUBTRAY_HOME, whose every written byte the window counts.
  const countsDir = await mkdtemp(path.join(os.tmpdir(), 'hubtray-bench-counts-'));
  defer(() => rm(countsDir, { recursive: true, force: true }));
  const notebooks = path.join(home, 'notebooks');
  await mkdir(notebooks);
  await writeFile(path.join(home, 'config.json'), JSON.stringify(benchConfig(notebooks, scenario.pollInterval, countsDir, system), null, 2));
  const env = keyring.env({ ...process.env, HUBTRAY_HOME: home });
  const names = Array.from({ length: scenario.servers }, (_, i) => `idle-${i + 1}`);

  const serve = await startServe(home, env);
  // Safety net for a failure or Ctrl-C: every stand-in the hub recorded, by PID, then the hub. Harmless after a
  // clean stop (nothing is left to signal).
  defer(async () => {
    await endStandIns(home);
    await stopTree(serve.child);
  });

  const t0 = Date.now();
  await inParallel(names, settings.parallelStarts, async (name) => {
    const result = await cli(env, ['start', 'bench', '--name', name, '--json']);
    if (result.code !== 0) throw new Error(`hubtray start bench --name ${name} failed (${result.code}): ${result.stderr.trim().split('\n').at(-1)}`);
  });
  const running = await waitUntilRunning(env, names.length);
  const startSeconds = (Date.now() - t0) / 1000;
  log(`  ${running}/${names.length} servers running after ${startSeconds.toFixed(1)} s`);
  await sleep(settings.settleSeconds * 1000);

  const standIns = standInPids(home);
  const requestsBefore = await requestCounts(standIns, countsDir);
  const watchHome = watchFiles(home);
  const filesBefore = await snapshotFiles(home);
  const statePoll = pollInode(path.join(home, 'state.json'), 100);
  const phase = await foreignLoad();
  const before = { stat: await times(serve.pid), io: await io(serve.pid), own: await threadsIo(serve.pid), standIns: await sumCpu(standIns) };
  const w0 = Date.now();
  await sleep(settings.windowSeconds * 1000);
  const after = { stat: await times(serve.pid), io: await io(serve.pid), own: await threadsIo(serve.pid), standIns: await sumCpu(standIns) };
  const wall = (Date.now() - w0) / 1000;
  const requestsAfter = await requestCounts(standIns, countsDir);
  const foreignPercent = await phase();
  const events = watchHome.stop();
  const homeChange = changedBytes(filesBefore, await snapshotFiles(home));
  const inodes = statePoll.stop();
  const status = await readFile(`/proc/${serve.pid}/status`, 'utf8');
  const rss = await rssMiB(serve.pid);
  const hwm = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
  const stillRunning = await countRunning(env);
  const perMinute = (value: number) => (value * 60) / wall;
  const stateBytes = existsSync(path.join(home, 'state.json')) ? statSync(path.join(home, 'state.json')).size : 0;

  // Stop: the servers through the hub, then the hub; whatever a failed stop left, by PID.
  log(`  stopping ${names.length} servers (hubtray stop), then hubtray serve (SIGTERM)`);
  const failedStops: string[] = [];
  await inParallel(names, settings.parallelStarts, async (name) => {
    const result = await cli(env, ['stop', name]);
    if (result.code !== 0) failedStops.push(`${name}: ${result.stderr.trim().split('\n').at(-1)}`);
  });
  if (failedStops.length > 0) log(`  hubtray stop failed for ${failedStops.length}: ${failedStops.slice(0, 3).join('; ')}`);
  const left = await endStandIns(home, standIns);
  if (left > 0) log(`  ${left} stand-in servers were still running after hubtray stop; ended by PID`);
  await stopTree(serve.child);
  await rm(home, { recursive: true, force: true });

  return {
    scenario,
    startSeconds,
    running: stillRunning,
    windowSeconds: wall,
    rssMiB: rss,
    hwmMiB: hwm,
    cpuPercent: ((after.stat.own - before.stat.own) / clockTicks / wall) * 100,
    childCpuPercent: ((after.stat.children - before.stat.children) / clockTicks / wall) * 100,
    writeBytesPerMinute: perMinute(after.io.write_bytes - before.io.write_bytes),
    wcharPerMinute: perMinute(after.io.wchar - before.io.wchar),
    syscwPerMinute: perMinute(after.io.syscw - before.io.syscw),
    cancelledWriteBytes: after.io.cancelled_write_bytes - before.io.cancelled_write_bytes,
    homeBytesPerMinute: perMinute(homeChange.bytes),
    homeFilesChanged: homeChange.files,
    ownWriteBytesPerMinute: perMinute(after.own.write_bytes - before.own.write_bytes),
    ownWcharPerMinute: perMinute(after.own.wchar - before.own.wchar),
    pollsEstimated: (scenario.servers * wall) / (scenario.pollInterval ?? defaultPollInterval),
    stateRewritesPerMinute: perMinute(events['state.json (rename)'] ?? 0),
    stateInodesSeen: inodes,
    stateBytes,
    fileEvents: events,
    standInCpuPercent: ((after.standIns - before.standIns) / clockTicks / wall) * 100,
    foreignPercent,
    requests: Object.fromEntries(Object.entries(requestsAfter).map(([key, n]) => [key, n - (requestsBefore[key] ?? 0)])),
  };
}

/** The stand-ins' request counts since they started, summed by "METHOD /path": each writes its own on SIGUSR2. */
async function requestCounts(pids: number[], dir: string): Promise<Record<string, number>> {
  const files = pids.map((pid) => path.join(dir, `${pid}.json`));
  await Promise.all(files.map((file) => rm(file, { force: true })));
  for (const pid of pids) signal(pid, 'SIGUSR2');
  const sum: Record<string, number> = {};
  const deadline = Date.now() + 10_000;
  for (const file of files) {
    while (!existsSync(file)) {
      if (Date.now() > deadline) throw new Error(`a stand-in did not write its request counts (${file}) within 10 s`);
      await sleep(20);
    }
    for (const [key, n] of Object.entries(JSON.parse(await readFile(file, 'utf8')) as Record<string, number>)) sum[key] = (sum[key] ?? 0) + n;
  }
  return sum;
}

export interface Serve {
  child: ChildProcess;
  pid: number;
}

/** `hubtray serve`, resolved once it has registered itself in hub.json with its own PID. */
export async function startServe(home: string, env: NodeJS.ProcessEnv): Promise<Serve> {
  const child = startChild(process.execPath, [cliPath, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const pid = child.pid!;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const registration = JSON.parse(readFileSync(path.join(home, 'hub.json'), 'utf8')) as { pid?: number };
      if (registration.pid === pid) return { child, pid };
    } catch {
      // not written yet
    }
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`hubtray serve exited before registering itself:\n${output}`);
    if (Date.now() > deadline) {
      await stopTree(child);
      throw new Error(`hubtray serve did not register itself within 30 s:\n${output}`);
    }
    await sleep(50);
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cli(env: NodeJS.ProcessEnv, args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [cliPath, ...args], { env, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end();
  });
}

async function countRunning(env: NodeJS.ProcessEnv): Promise<number> {
  const result = await cli(env, ['list', '--json']);
  if (result.code !== 0) throw new Error(`hubtray list --json failed: ${result.stderr.trim()}`);
  return (JSON.parse(result.stdout) as Array<{ status: string }>).filter((s) => s.status === 'running').length;
}

async function waitUntilRunning(env: NodeJS.ProcessEnv, count: number): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const running = await countRunning(env);
    if (running === count) return running;
    if (Date.now() > deadline) throw new Error(`only ${running} of ${count} servers are running after 60 s`);
    await sleep(500);
  }
}

async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const errors: unknown[] = [];
  await Promise.all(
    Array.from({ length: Math.max(1, width) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item).catch((error: unknown) => errors.push(error));
    }),
  );
  if (errors.length > 0) throw errors[0];
}

/** Clock ticks: the process's own (utime+stime) and its reaped children's (cutime+cstime). */
async function times(pid: number): Promise<{ own: number; children: number }> {
  const fields = await procStat(pid);
  if (!fields) throw new Error(`hubtray serve (pid ${pid}) is gone`);
  return { own: Number(fields[11]) + Number(fields[12]), children: Number(fields[13]) + Number(fields[14]) };
}

type IoCounters = Record<'wchar' | 'syscw' | 'write_bytes' | 'cancelled_write_bytes', number>;

function parseIo(text: string): IoCounters {
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { wchar: field('wchar'), syscw: field('syscw'), write_bytes: field('write_bytes'), cancelled_write_bytes: field('cancelled_write_bytes') };
}

/** The process's I/O counters: its threads' and those of its children it has reaped (as cutime for CPU). */
async function io(pid: number): Promise<IoCounters> {
  return parseIo(await readFile(`/proc/${pid}/io`, 'utf8'));
}

/** The sum over its live threads alone (/proc/PID/task/TID/io): what the process itself wrote. */
async function threadsIo(pid: number): Promise<IoCounters> {
  const sum: IoCounters = { wchar: 0, syscw: 0, write_bytes: 0, cancelled_write_bytes: 0 };
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    const text = await readFile(`/proc/${pid}/task/${tid}/io`, 'utf8').catch(() => '');
    if (!text) continue;
    const counters = parseIo(text);
    for (const key of Object.keys(sum) as Array<keyof IoCounters>) sum[key] += counters[key];
  }
  return sum;
}

async function sumCpu(pids: number[]): Promise<number> {
  let ticks = 0;
  for (const pid of pids) {
    const fields = await procStat(pid);
    if (fields) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks;
}

/** The stand-in servers' PIDs, from the spawner states in state.json, that are still stand-ins. */
function standInPids(home: string): number[] {
  let state: { servers?: Record<string, { spawnerState?: { pid?: unknown } }> };
  try {
    state = JSON.parse(readFileSync(path.join(home, 'state.json'), 'utf8')) as typeof state;
  } catch {
    return [];
  }
  return Object.values(state.servers ?? {})
    .map((record) => record.spawnerState?.pid)
    .filter((pid): pid is number => typeof pid === 'number' && isStandIn(pid));
}

function isStandIn(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(standInScript);
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after 5 s, to every stand-in still running; resolves with how many there were. */
export async function endStandIns(home: string, known: number[] = []): Promise<number> {
  const pids = [...new Set([...known, ...standInPids(home)])].filter(isStandIn);
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  for (const pid of pids) {
    while ((await isAlive(pid)) && Date.now() < deadline) await sleep(20);
    if (await isAlive(pid)) signal(pid, 'SIGKILL');
  }
  return pids.length;
}

/**
 * Counts fs.watch (inotify) events per file in `dir` and in its folders `logs` and `run`, each watched on its own:
 * Node 20's recursive watch on Linux loses events. An atomic write shows as events on a temp file (its random part
 * folded into one name) and a rename onto the target, "state.json (rename)". inotify merges repeated identical
 * events, so "change" counts are lower bounds; renames carry a cookie each and are never merged.
 */
function watchFiles(dir: string): { stop(): Record<string, number> } {
  const counts: Record<string, number> = {};
  const watchers: FSWatcher[] = [];
  for (const sub of ['', 'logs', 'run']) {
    const folder = path.join(dir, sub);
    if (!existsSync(folder)) continue;
    watchers.push(
      watch(folder, (type, filename) => {
        const name = path.join(sub, filename?.toString() ?? '(unnamed)').replace(/\.\d+\.[0-9a-f]+\.tmp$/, '.PID.*.tmp');
        const key = `${name} (${type})`;
        counts[key] = (counts[key] ?? 0) + 1;
      }),
    );
  }
  return {
    stop() {
      for (const w of watchers) w.close();
      return counts;
    },
  };
}

interface FileMark {
  ino: number;
  size: number;
  mtimeMs: number;
}

/** Every file under `dir` (recursively), by its path there: inode, size, mtime. */
async function snapshotFiles(dir: string): Promise<Map<string, FileMark>> {
  const marks = new Map<string, FileMark>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    try {
      const { ino, size, mtimeMs } = statSync(file);
      marks.set(path.relative(dir, file), { ino, size, mtimeMs });
    } catch {
      // gone between the listing and the stat: it is not in the snapshot
    }
  }
  return marks;
}

/** What changed between two snapshots: the bytes written (see the header) and the files, by name. */
function changedBytes(before: Map<string, FileMark>, after: Map<string, FileMark>): { bytes: number; files: string[] } {
  let bytes = 0;
  const files: string[] = [];
  for (const [name, now] of after) {
    const was = before.get(name);
    if (was && was.ino === now.ino && was.size === now.size && was.mtimeMs === now.mtimeMs) continue;
    files.push(name);
    bytes += was && was.ino === now.ino && now.size >= was.size ? Math.max(now.size - was.size, 1) : now.size;
  }
  for (const name of before.keys()) if (!after.has(name)) files.push(`${name} (gone)`);
  return { bytes, files: files.sort() };
}

/** Polls a file's inode; resolves with how many different inodes it had, the first one included. */
function pollInode(file: string, everyMs: number): { stop(): number } {
  const seen = new Set<number>();
  const look = () => {
    try {
      seen.add(statSync(file).ino);
    } catch {
      // between unlink and rename, or not there
    }
  };
  look();
  const timer = setInterval(look, everyMs);
  return {
    stop() {
      clearInterval(timer);
      look();
      return seen.size;
    },
  };
}
