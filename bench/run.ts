// `npm run bench`: hubtray's tunnels against OpenSSH's `ssh -N -L`, on this machine, in one run, to the same sshd,
// with the same cipher (aes128-gcm@openssh.com; the benchmark's sshd offers nothing else, and ssh is given -c too).
// Prints a table of figures and ratios, and the command lines behind them. Everything it starts it stops by PID.
//
// Environment: BENCH_REPS (bulk repetitions, default 5), BENCH_QUICK=1 (smaller sizes, for trying the harness),
// BENCH_VARIANTS (comma-separated, default openssh,native,js; see variantLabel), BENCH_CPU_PROF=DIR (run hubtray's
// tunnel processes under --cpu-prof, profiles into DIR). Benchmark 1c: BENCH_LINK_MBIT (the link's bandwidth,
// default 1000). Benchmark 5: BENCH_CUT=dead-path (or its old name, silent: cut the link silently instead
// of taking it down; see testkit/netns-host.ts), BENCH_CUT_SECONDS (default 25), BENCH_RESTORE_REPS (default 5).
// Benchmark 6, the idle hub (idle-hub.ts): BENCH_IDLE_SECONDS (the window, default 60), BENCH_IDLE_SERVERS (default
// 10,50), BENCH_IDLE_POLL (poll_interval per scenario, default "default,10"). BENCH_ONLY=idle runs benchmark 6 alone
// (no root, sshd or Jupyter needed); BENCH_ONLY=tunnels runs benchmarks 0-5 alone. Benchmark 7, one slow peer
// (slow-peer.ts; BENCH_SLOW_PEER_REPS, default 5): BENCH_ONLY=slow-peer. Benchmark 8, start overhead on an SSH host
// (start-overhead.ts; BENCH_START_REPS, default 5): BENCH_ONLY=start-overhead. Benchmark 9, a jump↔target cut
// (jump-cut.ts; BENCH_JUMP_CUT_SECONDS, default 60, 20 with BENCH_QUICK=1; BENCH_JUMP_CUT_REPS, default 3):
// BENCH_ONLY=jump-cut. Benchmark 10, CLI start-up (cli-startup.ts; BENCH_CLI_REPS): BENCH_ONLY=cli-startup.
// Benchmark 11, the idle culler's cost (culler-cost.ts; BENCH_CULLER_SERVERS, default 50; BENCH_CULLER_SECONDS, the
// window, default 60; BENCH_CULLER_REPS, default 2; BENCH_CULLER_EVERY, the short cull_every, default 10):
// BENCH_ONLY=culler (no root, sshd or Jupyter needed). A full run has them all, 6 and 11 last.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startJupyter, type BenchJupyter } from './jupyter.js';
import { concurrentUploads, download, echoRoundTrips, getEach, httpRoundTrips, upload } from './load.js';
import { connectionsTo, cpuSeconds, cpuTimes, foreignLoad, killAllSync, machineTicks, readyLine, rssMiB, sleep, startChild } from './proc.js';
import { stopTree } from '../testkit/process-tree.js';
import { addLatency, emptyBulk, emptyLatency, type Bulk, type Concurrency, type Fleet, type Ports } from './figures.js';
import { measureLinkBulk } from './link-bulk.js';
import { describeCode, describeMachine, sshd2BindingBuilt } from './machine.js';
import { measureIdleHub, type IdleResult, type IdleSettings } from './idle-hub.js';
import { renderIdleReport, renderOnlyReport, renderReport, type OnlyReportInput } from './report.js';
import { hubBuildStale, measureSlowPeer, type SlowPeerResult } from './slow-peer.js';
import { measureStartOverhead, type StartOverheadResult } from './start-overhead.js';
import { measureCliStartup, type CliStartupResult } from './cli-startup.js';
import { MiB, settings } from './settings.js';
import { measureRestore } from './restore.js';
import { measureJumpCut, type JumpCutResult } from './jump-cut.js';
import { measureCullerCost, type CullerResult } from './culler-cost.js';
import { benchClientConfig, negotiatedCiphers, startBenchSshd } from './hosts.js';
import type { Sshd } from '../testkit/sshd.js';
import { fixed } from './stats.js';
import { allVariants, hubTunnel, openSshTunnel, variantLabel, type Tunnel, type VariantId } from './tunnels.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const serversScript = path.join(here, 'servers.js');

const cleanups: Array<() => Promise<void>> = [];
async function cleanup(): Promise<void> {
  while (cleanups.length > 0) {
    const step = cleanups.pop()!;
    await step().catch((err: unknown) => console.error(`cleanup: ${(err as Error).message}`));
  }
}
process.on('exit', killAllSync);
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: stopping everything the benchmark started`);
    void cleanup().finally(() => process.exit(130));
  });
}

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

// ---------------------------------------------------------------------------------------------------------------
// Tunnels

async function tunnelCpu(tunnel: Tunnel): Promise<{ user: number; system: number }> {
  const total = { user: 0, system: 0 };
  for (const pid of tunnel.pids) {
    const { user, system } = await cpuTimes(pid);
    total.user += user;
    total.system += system;
  }
  return total;
}

// ---------------------------------------------------------------------------------------------------------------
// Measurements

async function bulkRun(tunnel: Tunnel, port: number, direction: 'upload' | 'download', bytes: number, into?: Bulk): Promise<void> {
  gc();
  const cpu0 = await tunnelCpu(tunnel);
  const machine0 = await machineTicks();
  const seconds = direction === 'upload' ? await upload(port, bytes) : await download(port, bytes);
  const machine1 = await machineTicks();
  const cpu1 = await tunnelCpu(tunnel);
  if (into) {
    into.mibps.push(bytes / MiB / seconds);
    into.userMsPerMiB.push(((cpu1.user - cpu0.user) * 1000) / (bytes / MiB));
    into.sysMsPerMiB.push(((cpu1.system - cpu0.system) * 1000) / (bytes / MiB));
    into.machineBusy.push(((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * 100);
  }
}

// ---------------------------------------------------------------------------------------------------------------

const only = process.env.BENCH_ONLY?.trim() || undefined;

/** Benchmark 6's scenarios from the settings: every poll_interval with every server count. */
function idleSettings(): IdleSettings {
  const counts = settings.idleHubServers;
  const polls = settings.idleHubPolls;
  if (!counts.every((n) => Number.isInteger(n) && n >= 0)) throw new Error(`BENCH_IDLE_SERVERS: whole numbers (0: the hub alone), not ${process.env.BENCH_IDLE_SERVERS}`);
  if (!polls.every((p) => p === 'default' || (Number.isFinite(p) && p > 0))) throw new Error(`BENCH_IDLE_POLL: "default" or seconds, not ${process.env.BENCH_IDLE_POLL}`);
  if (!(settings.idleHubSeconds > 0)) throw new Error(`BENCH_IDLE_SECONDS: seconds, not ${process.env.BENCH_IDLE_SECONDS}`);
  return {
    scenarios: polls.flatMap((p) => counts.map((servers) => ({ servers, pollInterval: p === 'default' ? null : p }))),
    windowSeconds: settings.idleHubSeconds,
    settleSeconds: settings.idleHubSettleSeconds,
    parallelStarts: settings.idleHubParallelStarts,
  };
}

async function idleHub(): Promise<IdleResult | string> {
  const result = await measureIdleHub({ settings: idleSettings(), log, defer: (step) => cleanups.push(step) });
  if (typeof result === 'string') log(`idle hub not measured: ${result}`);
  return result;
}

/** BENCH_ONLY=idle: benchmark 6 alone. */
async function idleOnly(): Promise<void> {
  idleSettings();
  const t0 = Date.now();
  const machine = describeMachine();
  log(`${machine.cpu}, ${machine.nproc} CPUs, Node ${process.version}; idle hub only`);
  const background = await waitForQuiet();
  const idle = await idleHub();
  if (typeof idle === 'string') process.exitCode = 1;
  process.stdout.write(
    renderIdleReport({ machine, code: describeCode(), background, loadavgAfter: readFileSync('/proc/loadavg', 'utf8').trim(), seconds: (Date.now() - t0) / 1000, idle }),
  );
}

async function slowPeer(buildChecked = false): Promise<SlowPeerResult | string> {
  log(`slow peer: ${settings.slowPeerReps} × (a hub without and one with a blackholed Outpost), each a fresh hubtray serve`);
  const result = await measureSlowPeer({ reps: settings.slowPeerReps, log, defer: (step) => cleanups.push(step), buildChecked }).catch((error: unknown) => `failed: ${(error as Error).message.split('\n')[0]}`);
  if (typeof result === 'string') log(`slow peer not measured: ${result}`);
  return result;
}

async function startOverhead(buildChecked = false): Promise<StartOverheadResult | string> {
  log(`start overhead: ${settings.startOverheadReps} × (hubtray start on an ssh system with ssh2 and with openssh, the same Jupyter by hand over a ControlMaster)`);
  const result = await measureStartOverhead({ reps: settings.startOverheadReps, log, defer: (step) => cleanups.push(step), buildChecked }).catch((error: unknown) => `failed: ${(error as Error).message.split('\n')[0]}`);
  if (typeof result === 'string') log(`start overhead not measured: ${result}`);
  return result;
}

async function cliStartup(buildChecked = false): Promise<CliStartupResult | string> {
  log(`CLI start-up: ${settings.cliStartupReps} × (node -e 0, hubtray --version, node -e 0, hubtray list), interleaved`);
  const result = await measureCliStartup({ reps: settings.cliStartupReps, log, defer: (step) => cleanups.push(step), buildChecked }).catch((error: unknown) => `failed: ${(error as Error).message.split('\n')[0]}`);
  if (typeof result === 'string') log(`CLI start-up not measured: ${result}`);
  return result;
}

async function jumpCut(dir: string): Promise<JumpCutResult | string> {
  log(`jump↔target cut: ${settings.jumpCutReps} × a ${settings.jumpCutSeconds} s dead path between a jump host and its target, every tunnel through the same cut`);
  const result = await measureJumpCut({
    dir,
    serversScript,
    keepalive: settings,
    cutSeconds: settings.jumpCutSeconds,
    reps: settings.jumpCutReps,
    log,
    defer: (step) => cleanups.push(step),
  }).catch((error: unknown) => `failed: ${(error as Error).message.split('\n')[0]}`);
  if (typeof result === 'string') log(`jump↔target cut not measured: ${result}`);
  return result;
}

function cullerSettings(): CullerResult['settings'] {
  const s = { servers: settings.cullerServers, windowSeconds: settings.cullerSeconds, settleSeconds: settings.idleHubSettleSeconds, parallelStarts: settings.idleHubParallelStarts, reps: settings.cullerReps, shortEvery: settings.cullerEvery };
  if (!(Number.isInteger(s.servers) && s.servers >= 1)) throw new Error(`BENCH_CULLER_SERVERS: a whole number of servers, at least 1, not ${process.env.BENCH_CULLER_SERVERS}`);
  if (!(s.windowSeconds > 0)) throw new Error(`BENCH_CULLER_SECONDS: seconds, not ${process.env.BENCH_CULLER_SECONDS}`);
  if (!(Number.isInteger(s.reps) && s.reps >= 1)) throw new Error(`BENCH_CULLER_REPS: at least 1, not ${process.env.BENCH_CULLER_REPS}`);
  if (!(s.shortEvery > 0)) throw new Error(`BENCH_CULLER_EVERY: seconds, not ${process.env.BENCH_CULLER_EVERY}`);
  return s;
}

async function cullerCost(): Promise<CullerResult | string> {
  const s = cullerSettings();
  log(`culler cost: ${s.reps} × (culling off, on with the default cull_every, on with cull_every ${s.shortEvery} s), ${s.servers} idle servers each, alternated`);
  const result = await measureCullerCost({ settings: s, log, defer: (step) => cleanups.push(step) }).catch((error: unknown) => `failed: ${(error as Error).message.split('\n')[0]}`);
  if (typeof result === 'string') log(`culler cost not measured: ${result}`);
  return result;
}

type OnlyBenchmark = 'slow-peer' | 'start-overhead' | 'jump-cut' | 'cli-startup' | 'culler';

async function onlyResult(which: OnlyBenchmark): Promise<Partial<Pick<OnlyReportInput, 'slowPeer' | 'startOverhead' | 'jumpCut' | 'cliStartup' | 'culler'>>> {
  if (which === 'slow-peer') return { slowPeer: await slowPeer(true) };
  if (which === 'culler') return { culler: await cullerCost() };
  if (which === 'start-overhead') return { startOverhead: await startOverhead(true) };
  if (which === 'cli-startup') return { cliStartup: await cliStartup(true) };
  const work = await mkdtemp(path.join(os.tmpdir(), 'hubtray-bench-jump-'));
  cleanups.push(() => rm(work, { recursive: true, force: true }));
  return { jumpCut: await jumpCut(work) };
}

/** BENCH_ONLY=slow-peer, start-overhead, jump-cut, cli-startup or culler: that benchmark alone. */
async function oneOnly(which: OnlyBenchmark): Promise<void> {
  if (!(settings.slowPeerReps >= 1 && settings.startOverheadReps >= 1 && settings.jumpCutReps >= 1 && settings.cliStartupReps >= 1)) {
    throw new Error('BENCH_SLOW_PEER_REPS, BENCH_START_REPS, BENCH_JUMP_CUT_REPS and BENCH_CLI_REPS: at least 1');
  }
  if (!(settings.jumpCutSeconds > 0)) throw new Error(`BENCH_JUMP_CUT_SECONDS: seconds, not ${process.env.BENCH_JUMP_CUT_SECONDS}`);
  if (which === 'culler') cullerSettings();
  const t0 = Date.now();
  const machine = describeMachine();
  log(`${machine.cpu}, ${machine.nproc} CPUs, Node ${process.version}; ${which} only`);
  // Checked before the wait for a quiet machine: others may change the sources meanwhile; what changed during the
  // run is named in the report.
  const stale = hubBuildStale();
  if (stale) throw new Error(stale);
  const builtAt = Date.now();
  const background = await waitForQuiet();
  const result = await onlyResult(which);
  const changed = hubBuildStale();
  if (changed) log(`note: a source changed during the run (${changed.replace(/^.*\((.*)\).*$/, '$1')}); the run measured the build checked ${fixed((Date.now() - builtAt) / 1000, 0)} s before its end`);
  if (Object.values(result).some((r) => typeof r === 'string')) process.exitCode = 1;
  process.stdout.write(
    renderOnlyReport({ which, machine, code: describeCode(), background, loadavgAfter: readFileSync('/proc/loadavg', 'utf8').trim(), seconds: (Date.now() - t0) / 1000, changedDuringRun: changed, ...result }),
  );
}

const onlyValues = ['idle', 'tunnels', 'slow-peer', 'start-overhead', 'jump-cut', 'cli-startup', 'culler'];

async function main(): Promise<void> {
  if (only !== undefined && !onlyValues.includes(only)) throw new Error(`BENCH_ONLY: one of ${onlyValues.map((v) => `"${v}"`).join(', ')}, not "${only}"`);
  if (only === 'idle') return idleOnly();
  if (only === 'slow-peer' || only === 'start-overhead' || only === 'jump-cut' || only === 'cli-startup' || only === 'culler') return oneOnly(only);
  if (only !== 'tunnels') {
    idleSettings();
    cullerSettings();
  }
  if (process.getuid?.() !== 0) throw new Error('the benchmark starts its own sshd instances and needs root');
  for (const tool of ['/usr/sbin/sshd', '/usr/bin/jupyter']) if (!existsSync(tool)) throw new Error(`${tool} is missing`);
  const t0 = Date.now();
  const machine = describeMachine();
  log(`${machine.cpu}, ${machine.nproc} CPUs, Node ${process.version}, ${machine.openssh}`);
  const background = await waitForQuiet();

  const work = await mkdtemp(path.join(os.tmpdir(), 'hubtray-bench-'));
  cleanups.push(() => rm(work, { recursive: true, force: true }));

  log('starting sshd, the far-end servers and Jupyter');
  const sshds: Sshd[] = [];
  for (let i = 0; i <= settings.hosts; i++) {
    const sshd = await startBenchSshd();
    cleanups.push(() => sshd.stop());
    sshds.push(sshd);
  }
  const [main0, ...fleetSshds] = sshds as [Sshd, ...Sshd[]];
  const servers = startChild(process.execPath, [serversScript, String(settings.hosts * settings.forwardsPerHost)]);
  cleanups.push(() => stopTree(servers));
  const ports = await readyLine<Ports>(servers, 'the far-end servers');
  const jupyter: BenchJupyter = await startJupyter();
  cleanups.push(() => jupyter.stop());
  const configPath = await benchClientConfig(work, [
    { alias: 'bench0', sshd: main0 },
    ...fleetSshds.map((sshd, i) => ({ alias: `host${i + 1}`, sshd })),
  ]);

  // Tests 1-3: one tunnel of each kind to the same sshd, each with the same four forwards.
  const remotes = [ports.sink, ports.source, ports.echo, jupyter.port];
  const nativeAvailable = sshd2BindingBuilt();
  const wanted = process.env.BENCH_VARIANTS?.split(',').map((v) => v.trim()) ?? allVariants;
  const unknown = wanted.filter((id) => !(allVariants as string[]).includes(id));
  if (unknown.length > 0) throw new Error(`BENCH_VARIANTS: unknown ${unknown.join(', ')} (known: ${allVariants.join(', ')})`);
  const ids: VariantId[] = ['openssh', ...allVariants.filter((id) => id !== 'openssh' && wanted.includes(id) && (nativeAvailable || id !== 'native'))];
  const hubIds = ids.filter((id): id is Exclude<VariantId, 'openssh'> => id !== 'openssh');
  if (!nativeAvailable) log("ssh2's native binding is not built in this install: measuring the pure-JS path only");
  const tunnels = new Map<VariantId, Tunnel>();
  for (const id of ids) {
    log(`opening the ${variantLabel(id)} tunnel`);
    const tunnel =
      id === 'openssh'
        ? await openSshTunnel(configPath, 'bench0', remotes, settings, ports.echo)
        : await hubTunnel(
            id,
            configPath,
            remotes.map((port) => ({ host: 'bench0', port })),
            settings,
          );
    cleanups.push(() => tunnel.stop());
    tunnels.set(id, tunnel);
  }
  const ciphers = await negotiatedCiphers(main0);
  const mainConnections = await connectionsTo([], [main0.port]);
  log(`sshd saw ${ciphers.length} connections, ciphers: ${[...new Set(ciphers)].join(', ')}`);
  const sinkOf = (t: Tunnel) => t.ports[0]!;
  const sourceOf = (t: Tunnel) => t.ports[1]!;
  const echoOf = (t: Tunnel) => t.ports[2]!;
  const jupyterOf = (t: Tunnel) => t.ports[3]!;
  const rotated = (rep: number) => ids.map((_, i) => ids[(i + rep) % ids.length]!);

  // Not a speed figure, but it decides what the figures below can use: does a TCP half-close pass through?
  const halfClose = new Map<VariantId, string>();
  for (const id of ids) {
    const t = tunnels.get(id)!;
    halfClose.set(
      id,
      await upload(sinkOf(t), 64 * 1024, { halfClose: true, timeoutMs: 5000 }).then(
        () => 'yes',
        (err: Error) => `**no** (${err.message.replace(/ through 127.*$/, '')})`,
      ),
    );
  }
  log(`half-close: ${ids.map((id) => `${id} ${halfClose.get(id)}`).join('; ')}`);

  const foreign: Record<string, number> = {};
  let phase = await foreignLoad();

  // 1. Bulk throughput.
  const up = new Map(ids.map((id) => [id, emptyBulk()]));
  const down = new Map(ids.map((id) => [id, emptyBulk()]));
  log(`bulk: warm-up, then ${settings.bulkReps} × ${settings.bulkBytes / MiB} MiB each way per tunnel, interleaved`);
  for (const id of ids) {
    const t = tunnels.get(id)!;
    log(`  warm-up ${id}`);
    await bulkRun(t, sinkOf(t), 'upload', settings.bulkWarmupBytes);
    await bulkRun(t, sourceOf(t), 'download', settings.bulkWarmupBytes);
  }
  for (let rep = 0; rep < settings.bulkReps; rep++) {
    for (const id of rotated(rep)) {
      const t = tunnels.get(id)!;
      await bulkRun(t, sinkOf(t), 'upload', settings.bulkBytes, up.get(id));
      await bulkRun(t, sourceOf(t), 'download', settings.bulkBytes, down.get(id));
    }
    log(`  rep ${rep + 1}: ${ids.map((id) => `${id} ↑${fixed(up.get(id)!.mibps.at(-1)!, 0)} ↓${fixed(down.get(id)!.mibps.at(-1)!, 0)}`).join('  ')} MiB/s`);
  }

  foreign.bulk = await phase();
  phase = await foreignLoad();

  // 2. Latency.
  const echo = new Map(ids.map((id) => [id, emptyLatency()]));
  const api = new Map(ids.map((id) => [id, emptyLatency()]));
  const direct = { echo: emptyLatency(), api: emptyLatency() };
  const authorization = { authorization: `token ${jupyter.token}` };
  log(`latency: ${settings.latencyReps} × (${settings.echoIterations} echoes of 1 KiB, ${settings.httpIterations} GET /api/status) per tunnel`);
  for (let rep = 0; rep < settings.latencyReps; rep++) {
    gc();
    await echoRoundTrips(ports.echo, settings.echoWarmup);
    addLatency(direct.echo, await echoRoundTrips(ports.echo, settings.echoIterations));
    await httpRoundTrips(jupyter.port, '/api/status', authorization, settings.httpWarmup);
    addLatency(direct.api, await httpRoundTrips(jupyter.port, '/api/status', authorization, settings.httpIterations));
    for (const id of rotated(rep)) {
      const t = tunnels.get(id)!;
      gc();
      await echoRoundTrips(echoOf(t), settings.echoWarmup, settings.warmupMaxMs);
      addLatency(echo.get(id)!, await echoRoundTrips(echoOf(t), settings.echoIterations, settings.latencyMaxMs));
      gc();
      await httpRoundTrips(jupyterOf(t), '/api/status', authorization, settings.httpWarmup, settings.warmupMaxMs);
      addLatency(api.get(id)!, await httpRoundTrips(jupyterOf(t), '/api/status', authorization, settings.httpIterations, settings.latencyMaxMs));
    }
  }

  foreign.latency = await phase();
  phase = await foreignLoad();

  // 3. Many connections at once through one tunnel.
  const many = new Map<VariantId, Concurrency>(ids.map((id) => [id, { mibps: [], errors: [], connections: 0 }]));
  log(`concurrency: ${settings.concurrentReps} × ${settings.concurrent} connections at once, ${settings.concurrentBytes / MiB} MiB each`);
  for (let rep = 0; rep < settings.concurrentReps; rep++) {
    for (const id of rotated(rep)) {
      const t = tunnels.get(id)!;
      gc();
      const result = await concurrentUploads(sinkOf(t), settings.concurrent, settings.concurrentBytes);
      const entry = many.get(id)!;
      entry.connections += settings.concurrent;
      entry.errors.push(...result.errors);
      entry.mibps.push((settings.concurrent * settings.concurrentBytes) / MiB / result.seconds);
    }
  }
  const connectionsAfter = await connectionsTo([], [main0.port]);
  for (const t of tunnels.values()) await t.stop();

  foreign.concurrency = await phase();
  phase = await foreignLoad();

  // 4. 50 servers on 5 hosts.
  const fleets = new Map<VariantId, Fleet>();
  const fleetPorts = fleetSshds.map((s) => s.port);
  for (const id of ids) {
    log(`fleet: ${settings.hosts * settings.forwardsPerHost} forwards on ${settings.hosts} hosts, ${variantLabel(id)}`);
    const loginsBefore = await acceptedLogins(fleetSshds);
    const forwards = fleetSshds.flatMap((_, h) =>
      Array.from({ length: settings.forwardsPerHost }, (_unused, f) => ({
        host: `host${h + 1}`,
        port: ports.http[h * settings.forwardsPerHost + f]!,
      })),
    );
    let parts: Tunnel[];
    if (id === 'openssh') {
      parts = [];
      for (let h = 0; h < fleetSshds.length; h++) {
        const mine = forwards.slice(h * settings.forwardsPerHost, (h + 1) * settings.forwardsPerHost).map((f) => f.port);
        const part = await openSshTunnel(configPath, `host${h + 1}`, mine, settings);
        cleanups.push(() => part.stop());
        parts.push(part);
      }
    } else {
      const part = await hubTunnel(id, configPath, forwards, settings);
      cleanups.push(() => part.stop());
      parts = [part];
    }
    const pids = parts.flatMap((p) => p.pids);
    const forwardsOk = await getEach(parts.flatMap((p) => p.ports));
    const counted = await connectionsTo(pids, fleetPorts);
    await sleep(2000);
    const cpu0 = (await Promise.all(pids.map(cpuSeconds))).reduce((a, b) => a + b, 0);
    const w0 = Date.now();
    await sleep(settings.idleSeconds * 1000);
    const cpu1 = (await Promise.all(pids.map(cpuSeconds))).reduce((a, b) => a + b, 0);
    const wall = (Date.now() - w0) / 1000;
    const rss = (await Promise.all(pids.map(rssMiB))).reduce((a, b) => a + b, 0);
    fleets.set(id, {
      command: parts.map((p) => p.command).join('\n'),
      forwardsOk,
      clientConnections: fleetPorts.map((p) => counted.fromPids.get(p) ?? 0),
      serverConnections: fleetPorts.map((p) => counted.atServer.get(p) ?? 0),
      acceptedLogins: (await acceptedLogins(fleetSshds)) - loginsBefore,
      cpuPercent: ((cpu1 - cpu0) / wall) * 100,
      rss,
      processes: pids.length,
    });
    for (const p of parts) await p.stop();
  }
  foreign.fleet = await phase();
  const fleetCiphers = (await Promise.all(fleetSshds.map(negotiatedCiphers))).flat();

  // 1c. Bulk throughput over a long-distance link (link-bulk.ts).
  phase = await foreignLoad();
  log(`bulk over a ${settings.linkRateMbit} Mbit/s link: ${settings.linkReps} × ${settings.bulkBytes / MiB} MiB each way per tunnel`);
  const linkBulk = await measureLinkBulk({
    dir: work,
    serversScript,
    keepalive: settings,
    link: { rateMbit: settings.linkRateMbit },
    bytes: settings.bulkBytes,
    reps: settings.linkReps,
    ids,
    log,
    defer: (step) => cleanups.push(step),
  });
  if (typeof linkBulk === 'string') log(`bulk over a long-distance link not measured: ${linkBulk}`);
  foreign.link = await phase();

  // 5. Time to a usable tunnel after a link restore (restore.ts).
  phase = await foreignLoad();
  log(
    `link restore: ${settings.restoreReps} × a ${settings.restoreCutSeconds} s cut (${settings.restoreCut}) of a network namespace's link, ` +
      'every tunnel through the same cut',
  );
  const restore = await measureRestore({
    dir: work,
    serversScript,
    keepalive: settings,
    settings: { cutSeconds: settings.restoreCutSeconds, reps: settings.restoreReps, kind: settings.restoreCut },
    hubIds,
    log,
    defer: (step) => cleanups.push(step),
  });
  if (typeof restore === 'string') log(`link restore not measured: ${restore}`);
  foreign.restore = await phase();

  // 9. A cut between a jump host and its target (jump-cut.ts).
  let jump: JumpCutResult | string | undefined;
  if (only !== 'tunnels') {
    phase = await foreignLoad();
    jump = await jumpCut(work);
    foreign.jumpCut = await phase();
  }

  // 7. One slow peer (slow-peer.ts), 8. start overhead on an SSH host (start-overhead.ts).
  const slow = only === 'tunnels' ? undefined : await slowPeer();
  const overhead = only === 'tunnels' ? undefined : await startOverhead();
  // 10. CLI start-up (cli-startup.ts).
  const startup = only === 'tunnels' ? undefined : await cliStartup();

  // 6. The idle hub (idle-hub.ts): last, since other work on the machine disturbs it most.
  const idle = only === 'tunnels' ? undefined : await idleHub();
  // 11. The idle culler's cost (culler-cost.ts): the same idle hub, so last with it.
  const culler = only === 'tunnels' ? undefined : await cullerCost();

  const report = renderReport({
    machine,
    ids,
    tunnels,
    up,
    down,
    echo,
    api,
    direct,
    many,
    fleets,
    halfClose,
    linkBulk,
    restore,
    ciphers: [...new Set([...ciphers, ...fleetCiphers])],
    mainConnections: mainConnections.atServer.get(main0.port) ?? 0,
    mainConnectionsAfter: connectionsAfter.atServer.get(main0.port) ?? 0,
    jupyterCommand: jupyter.command,
    background,
    foreign,
    loadavgAfter: readFileSync('/proc/loadavg', 'utf8').trim(),
    ports,
    seconds: (Date.now() - t0) / 1000,
    serversScript,
    idle,
    culler,
    slowPeer: slow,
    startOverhead: overhead,
    cliStartup: startup,
    jumpCut: jump,
    code: describeCode(),
  });
  process.stdout.write(report);
}

/** Waits (up to 30 s) until other work on the machine uses under 15 % of it; resolves with what it last saw. */
async function waitForQuiet(): Promise<{ busyBefore: number; waitedSeconds: number; loadavg: string }> {
  const started = Date.now();
  let busy = 100;
  while (Date.now() - started < 30_000) {
    const a = await machineTicks();
    await sleep(1000);
    const b = await machineTicks();
    busy = ((b.busy - a.busy) / (b.total - a.total)) * 100;
    if (busy < 15) break;
    if (Date.now() - started < 1500) log(`the machine is ${fixed(busy, 0)} % busy with other work; waiting up to 30 s for it to settle`);
  }
  return { busyBefore: busy, waitedSeconds: (Date.now() - started) / 1000, loadavg: readFileSync('/proc/loadavg', 'utf8').trim() };
}

async function acceptedLogins(sshds: Sshd[]): Promise<number> {
  let count = 0;
  for (const sshd of sshds) count += [...(await sshd.log()).matchAll(/Accepted publickey for root/g)].length;
  return count;
}

try {
  await main();
} catch (err) {
  if (!interrupted) console.error(`benchmark failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
