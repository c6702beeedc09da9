// `npm run bench`: hubtray's tunnels against OpenSSH's `ssh -N -L`, on this machine, in one run, to the same sshd,
// with the same cipher (aes128-gcm@openssh.com; the benchmark's sshd offers nothing else, and ssh is given -c too).
// Prints a table of figures and ratios, and the command lines behind them. Everything it starts it stops by PID.
//
// Environment: BENCH_REPS (bulk repetitions, default 5), BENCH_QUICK=1 (smaller sizes, for trying the harness),
// BENCH_VARIANTS (comma-separated, default openssh,native,js; see variantLabel), BENCH_CPU_PROF=DIR (run hubtray's
// tunnel processes under --cpu-prof, profiles into DIR). Benchmark 1c: BENCH_LINK_MBIT (the link's bandwidth,
// default 1000). Benchmark 5: BENCH_CUT=silent (cut the link silently instead
// of taking it down; see netns-host.ts), BENCH_CUT_SECONDS (default 25), BENCH_RESTORE_REPS (default 5).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startJupyter, type BenchJupyter } from './jupyter.js';
import { concurrentUploads, download, echoRoundTrips, getEach, httpRoundTrips, upload } from './load.js';
import type { CutKind } from './netns-host.js';
import { connectionsTo, cpuSeconds, cpuTimes, foreignLoad, killAllSync, machineTicks, readyLine, rssMiB, sleep, startChild } from './proc.js';
import { stopTree } from '../testkit/process-tree.js';
import { measureLinkBulk, type LinkBulkResult } from './link-bulk.js';
import { measureRestore, type RestoreResult, type RestoreVariant } from './restore.js';
import { benchCipher, negotiatedCiphers, startSshd, writeClientConfig, type BenchSshd } from './sshd.js';
import { fixed, median, percentile, spread } from './stats.js';
import { allVariants, hubTunnel, openSshTunnel, rel, repoRoot, variantLabel, type Tunnel, type VariantId } from './tunnels.js';

const MiB = 1024 * 1024;
const quick = process.env.BENCH_QUICK === '1';
const cutKind: CutKind = process.env.BENCH_CUT === 'silent' ? 'silent' : 'link-down';
const settings = {
  bulkBytes: (quick ? 32 : 256) * MiB,
  bulkWarmupBytes: 32 * MiB,
  bulkReps: Number(process.env.BENCH_REPS ?? (quick ? 2 : 5)),
  echoWarmup: 300,
  echoIterations: quick ? 500 : 3000,
  httpWarmup: 100,
  httpIterations: quick ? 200 : 1000,
  latencyReps: quick ? 1 : 5,
  /** A run of round trips stops early after this long (a 40 ms stall per round trip would take minutes). */
  latencyMaxMs: 3000,
  warmupMaxMs: 1000,
  concurrent: 100,
  concurrentBytes: 1 * MiB,
  concurrentReps: quick ? 1 : 3,
  hosts: 5,
  forwardsPerHost: 10,
  idleSeconds: quick ? 3 : 10,
  keepaliveInterval: 5,
  keepaliveCountMax: 3,
  /** Longer than either client takes to notice a dead link (keepalive every 5 s, 3 unanswered: 15-20 s). */
  /** Benchmark 1c's link: a wired campus or data-centre path between a laptop and a cluster. */
  linkRateMbit: Number(process.env.BENCH_LINK_MBIT ?? 1000),
  linkReps: quick ? 1 : 3,
  restoreCutSeconds: Number(process.env.BENCH_CUT_SECONDS ?? 25),
  restoreReps: Number(process.env.BENCH_RESTORE_REPS ?? (quick ? 1 : 5)),
  restoreCut: cutKind,
};

const here = path.dirname(fileURLToPath(import.meta.url));
const serversScript = path.join(here, 'servers.js');

interface Ports {
  sink: number;
  source: number;
  echo: number;
  http: number[];
}

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

interface Bulk {
  mibps: number[];
  /** CPU time of the tunnel client process (ssh, or hubtray's) per MiB moved, in user and kernel mode. */
  userMsPerMiB: number[];
  sysMsPerMiB: number[];
  /** How busy the whole machine was, in % of all its CPUs. */
  machineBusy: number[];
}

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

interface Latency {
  p50: number[];
  p99: number[];
  samples: number;
}

function addLatency(into: Latency, times: number[]): void {
  into.p50.push(percentile(times, 50));
  into.p99.push(percentile(times, 99));
  into.samples += times.length;
}

interface Concurrency {
  mibps: number[];
  errors: string[];
  connections: number;
}

interface Fleet {
  command: string;
  forwardsOk: number;
  clientConnections: number[];
  serverConnections: number[];
  acceptedLogins: number;
  cpuPercent: number;
  rss: number;
  processes: number;
}

const emptyBulk = (): Bulk => ({ mibps: [], userMsPerMiB: [], sysMsPerMiB: [], machineBusy: [] });
const emptyLatency = (): Latency => ({ p50: [], p99: [], samples: 0 });

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the benchmark starts its own sshd instances and needs root');
  for (const tool of ['/usr/sbin/sshd', '/usr/bin/jupyter']) if (!existsSync(tool)) throw new Error(`${tool} is missing`);
  const t0 = Date.now();
  const machine = describeMachine();
  log(`${machine.cpu}, ${machine.nproc} CPUs, Node ${process.version}, ${machine.openssh}`);
  const background = await waitForQuiet();

  const work = await mkdtemp(path.join(os.tmpdir(), 'hubtray-bench-'));
  cleanups.push(() => rm(work, { recursive: true, force: true }));

  log('starting sshd, the far-end servers and Jupyter');
  const sshds: BenchSshd[] = [];
  for (let i = 0; i <= settings.hosts; i++) {
    const sshd = await startSshd();
    cleanups.push(() => sshd.stop());
    sshds.push(sshd);
  }
  const [main0, ...fleetSshds] = sshds as [BenchSshd, ...BenchSshd[]];
  const servers = startChild(process.execPath, [serversScript, String(settings.hosts * settings.forwardsPerHost)]);
  cleanups.push(() => stopTree(servers));
  const ports = await readyLine<Ports>(servers, 'the far-end servers');
  const jupyter: BenchJupyter = await startJupyter();
  cleanups.push(() => jupyter.stop());
  const configPath = await writeClientConfig(work, [
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

async function acceptedLogins(sshds: BenchSshd[]): Promise<number> {
  let count = 0;
  for (const sshd of sshds) count += [...(await sshd.log()).matchAll(/Accepted publickey for root/g)].length;
  return count;
}

function sshd2BindingBuilt(): boolean {
  return existsSync(path.join(repoRoot, 'node_modules', 'ssh2', 'lib', 'protocol', 'crypto', 'build', 'Release', 'sshcrypto.node'));
}

/** Whether npm applied hubtray's ssh2 patch (patches/ssh2+*.patch) to this install. */
function ssh2PatchApplied(): boolean {
  return readFileSync(path.join(repoRoot, 'node_modules', 'ssh2', 'lib', 'protocol', 'crypto.js'), 'utf8').includes('function fillPadding(');
}

function describeMachine(): { cpu: string; nproc: number; openssh: string; ssh2: string; kernel: string } {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const cpu = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown CPU';
  const openssh = execFileSync('sh', ['-c', 'ssh -V 2>&1'], { encoding: 'utf8' }).trim();
  const version = (JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', 'ssh2', 'package.json'), 'utf8')) as { version: string }).version;
  const ssh2 = `${version} (${ssh2PatchApplied() ? "with hubtray's patch" : "without hubtray's patch: run npm ci"})`;
  return { cpu, nproc: os.availableParallelism(), openssh, ssh2, kernel: `${os.type()} ${os.release()}` };
}

// ---------------------------------------------------------------------------------------------------------------
// Report

interface ReportInput {
  machine: ReturnType<typeof describeMachine>;
  ids: VariantId[];
  tunnels: Map<VariantId, Tunnel>;
  up: Map<VariantId, Bulk>;
  down: Map<VariantId, Bulk>;
  echo: Map<VariantId, Latency>;
  api: Map<VariantId, Latency>;
  direct: { echo: Latency; api: Latency };
  many: Map<VariantId, Concurrency>;
  fleets: Map<VariantId, Fleet>;
  halfClose: Map<VariantId, string>;
  linkBulk: LinkBulkResult | string;
  restore: RestoreResult | string;
  ciphers: string[];
  mainConnections: number;
  mainConnectionsAfter: number;
  jupyterCommand: string;
  background: { busyBefore: number; waitedSeconds: number; loadavg: string };
  foreign: Record<string, number>;
  loadavgAfter: string;
  ports: Ports;
  seconds: number;
}

function renderReport(r: ReportInput): string {
  const hub = r.ids.filter((id) => id !== 'openssh');
  const lines: string[] = [];
  const row = (cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
  const ratio = (value: number, base: number) => `${fixed(value / base, 2)}×`;
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');

  lines.push('');
  lines.push(`## hubtray tunnel benchmark vs OpenSSH`);
  lines.push('');
  lines.push(`- machine: ${r.machine.cpu}, ${r.machine.nproc} CPUs, ${r.machine.kernel}`);
  lines.push(`- Node ${process.version}, ssh2 ${r.machine.ssh2}, ${r.machine.openssh}`);
  lines.push(`- cipher negotiated on every connection (from sshd's log): ${r.ciphers.join(', ')}`);
  lines.push(
    `- hubtray under plain Node in this install uses ssh2's ${sshd2BindingBuilt() ? 'native binding' : 'pure-JS path'}; inside Electron it uses the pure-JS path`,
  );
  lines.push(`- settings: ${JSON.stringify(settings)}`);
  lines.push(
    `- other work on the machine before the run: ${fixed(r.background.busyBefore, 0)} % busy (waited ${fixed(r.background.waitedSeconds, 0)} s); /proc/loadavg before: ${r.background.loadavg}; after: ${r.loadavgAfter}`,
  );
  lines.push(
    `- CPU used by other work on the machine (not this benchmark's processes), % of all CPUs: ${Object.entries(r.foreign)
      .map(([name, value]) => `${name} ${fixed(value, 0)} %`)
      .join(', ')}`,
  );
  lines.push(`- run took ${fixed(r.seconds, 0)} s`);
  lines.push('');
  const header = ['#', 'figure', 'OpenSSH', ...hub.flatMap((id) => [variantLabel(id), 'ratio']), 'target'];
  row(header);
  row(header.map(() => '---'));

  const bulkRow = (label: string, data: Map<VariantId, { mibps: number[] }>, n: string, target: boolean) => {
    const base = median(data.get('openssh')!.mibps);
    row([
      n,
      label,
      fixed(base, 0),
      ...hub.flatMap((id) => {
        const v = median(data.get(id)!.mibps);
        return [fixed(v, 0), `${ratio(v, base)}${target ? ` ${verdict(v / base >= 1.0)}` : ''}`];
      }),
      target ? '≥ 1.0×' : '(extra)',
    ]);
  };
  bulkRow(`bulk upload ${settings.bulkBytes / MiB} MiB to a sink, MiB/s (median of ${settings.bulkReps})`, r.up, '1', true);
  bulkRow(`bulk download ${settings.bulkBytes / MiB} MiB from a source, MiB/s (median of ${settings.bulkReps})`, r.down, '1b', false);
  const cpuRow = (label: string, data: Map<VariantId, Bulk>) => {
    const cell = (id: VariantId) => {
      const b = data.get(id)!;
      const user = median(b.userMsPerMiB);
      const sys = median(b.sysMsPerMiB);
      return { text: `${fixed(user + sys, 2)} (${fixed(user, 2)} / ${fixed(sys, 2)})`, total: user + sys, user };
    };
    const base = cell('openssh');
    row([
      '',
      label,
      base.text,
      ...hub.flatMap((id) => {
        const c = cell(id);
        return [c.text, `${ratio(c.total, base.total)} (user ${ratio(c.user, base.user)})`];
      }),
      '(info)',
    ]);
  };
  const busyRow = (label: string, data: Map<VariantId, Bulk>) =>
    row(['', label, fixed(median(data.get('openssh')!.machineBusy), 0), ...hub.flatMap((id) => [fixed(median(data.get(id)!.machineBusy), 0), '']), '(info)']);
  cpuRow('tunnel client CPU ms per MiB (user / kernel), upload; lower is better', r.up);
  cpuRow('tunnel client CPU ms per MiB (user / kernel), download', r.down);
  busyRow(`whole machine busy during the upload, % of ${r.machine.nproc} CPUs`, r.up);
  busyRow(`whole machine busy during the download, % of ${r.machine.nproc} CPUs`, r.down);
  const link = `a ${settings.linkRateMbit} Mbit/s link`;
  if (typeof r.linkBulk === 'string') {
    row(['1c', `bulk over ${link}`, `not measured: ${r.linkBulk}`, ...hub.flatMap(() => ['—', '']), '≥ 1.0×']);
  } else {
    const asBulk = (data: Map<VariantId, number[]>) => new Map([...data].map(([id, mibps]) => [id, { mibps }]));
    bulkRow(`bulk upload ${settings.bulkBytes / MiB} MiB over ${link}, MiB/s (median of ${settings.linkReps})`, asBulk(r.linkBulk.up), '1c', true);
    bulkRow(`bulk download ${settings.bulkBytes / MiB} MiB over the same link, MiB/s (median of ${settings.linkReps})`, asBulk(r.linkBulk.down), '1d', false);
  }

  const latencyRows = (label: string, data: Map<VariantId, Latency>, directData: Latency, n: string) => {
    for (const p of ['p50', 'p99'] as const) {
      const base = median(data.get('openssh')![p]);
      const target = p === 'p50';
      row([
        p === 'p50' ? n : '',
        `${label} ${p}, ms (median of ${settings.latencyReps} runs; no tunnel: ${fixed(median(directData[p]), 3)})`,
        fixed(base, 3),
        ...hub.flatMap((id) => {
          const v = median(data.get(id)![p]);
          return [fixed(v, 3), `${ratio(v, base)}${target ? ` ${verdict(v / base <= 1.1)}` : ''}`];
        }),
        target ? '≤ 1.1×' : '(reported)',
      ]);
    }
  };
  latencyRows(`1 KiB echo, ${settings.echoIterations} round trips on one connection,`, r.echo, r.direct.echo, '2a');
  latencyRows(`Jupyter GET /api/status, ${settings.httpIterations} on one kept-alive connection,`, r.api, r.direct.api, '2b');

  const manyBase = median(r.many.get('openssh')!.mibps);
  row([
    '3',
    `${settings.concurrent} connections at once through one tunnel, ${settings.concurrentBytes / MiB} MiB each: aggregate MiB/s (median of ${settings.concurrentReps}), errors`,
    `${fixed(manyBase, 0)}, ${r.many.get('openssh')!.errors.length} errors`,
    ...hub.flatMap((id) => {
      const m = r.many.get(id)!;
      const v = median(m.mibps);
      return [`${fixed(v, 0)}, ${m.errors.length} errors`, `${ratio(v, manyBase)} ${verdict(m.errors.length === 0)}`];
    }),
    'no errors',
  ]);

  const fleetCell = (id: VariantId, f: (x: Fleet) => string) => f(r.fleets.get(id)!);
  const fleetTotal = settings.hosts * settings.forwardsPerHost;
  row([
    '4',
    `${fleetTotal} forwards on ${settings.hosts} hosts: forwards answering; SSH connections (client side / sshd side)`,
    fleetCell('openssh', (x) => `${x.forwardsOk}/${fleetTotal}; ${sum(x.clientConnections)} / ${sum(x.serverConnections)}`),
    ...hub.flatMap((id) => {
      const x = r.fleets.get(id);
      if (!x) return ['—', ''];
      const ok = x.forwardsOk === fleetTotal && sum(x.clientConnections) === settings.hosts && x.clientConnections.every((c) => c === 1);
      return [`${x.forwardsOk}/${fleetTotal}; ${sum(x.clientConnections)} / ${sum(x.serverConnections)} (${x.acceptedLogins} logins)`, verdict(ok)];
    }),
    `exactly ${settings.hosts}`,
  ]);
  row([
    '',
    `idle CPU % over ${settings.idleSeconds} s (keepalive every ${settings.keepaliveInterval} s); RSS MiB`,
    fleetCell('openssh', (x) => `${fixed(x.cpuPercent, 2)} %; ${fixed(x.rss, 1)} (${x.processes} processes)`),
    ...hub.flatMap((id) => [r.fleets.has(id) ? fleetCell(id, (x) => `${fixed(x.cpuPercent, 2)} %; ${fixed(x.rss, 1)} (1 process)`) : '—', '']),
    '(reported)',
  ]);
  row([
    '0',
    'TCP half-close passes through (client shuts down its sending side, then reads the reply)',
    r.halfClose.get('openssh')!,
    ...hub.flatMap((id) => [r.halfClose.get(id)!, '']),
    '(correctness; not a speed target)',
  ]);
  restoreRows(r, hub, row);

  lines.push('');
  lines.push('Repetitions (MiB/s, in run order):');
  for (const id of r.ids) {
    lines.push(
      `- ${variantLabel(id)}: upload ${r.up.get(id)!.mibps.map((v) => fixed(v, 0)).join(' ')} (spread ${fixed(spread(r.up.get(id)!.mibps) * 100, 0)} %);` +
        ` download ${r.down.get(id)!.mibps.map((v) => fixed(v, 0)).join(' ')} (spread ${fixed(spread(r.down.get(id)!.mibps) * 100, 0)} %);` +
        ` ${settings.concurrent} at once ${r.many.get(id)!.mibps.map((v) => fixed(v, 0)).join(' ')}`,
    );
  }
  if (typeof r.linkBulk !== 'string') {
    for (const id of r.ids) {
      lines.push(
        `- ${variantLabel(id)} over ${link}: upload ${r.linkBulk.up.get(id)!.map((v) => fixed(v, 0)).join(' ')}; download ${r.linkBulk.down.get(id)!.map((v) => fixed(v, 0)).join(' ')}`,
      );
    }
  }
  if (typeof r.restore !== 'string') {
    const res = r.restore;
    lines.push(`- link restore, seconds from the link being up again to the first echo, in run order:`);
    for (const v of res.variants) {
      lines.push(
        `  - ${restoreLabel(v)}: ${res.usable.get(v)!.map((x) => fixed(x, 2)).join(' ')}; loss noticed ${res.noticed.get(v)!.map((x) => fixed(x, 1)).join(' ')} s after the cut`,
      );
    }
    lines.push(`  - the link itself was up ${res.linkUp.map((x) => fixed(x, 2)).join(' ')} s after the restoring command`);
    lines.push(`  - ssh in the loop said: ${res.sshSaid.slice(0, 6).join(' | ')}`);
  }
  lines.push(`- connections at the tests-1-3 sshd: ${r.mainConnections} before, ${r.mainConnectionsAfter} after the concurrency test (one per tunnel)`);
  for (const id of r.ids) {
    const errors = r.many.get(id)!.errors;
    if (errors.length > 0) lines.push(`- ${variantLabel(id)} errors: ${[...new Set(errors)].slice(0, 5).join('; ')}`);
  }
  lines.push('');
  lines.push('Command lines (ports are this run\'s):');
  lines.push('```');
  lines.push(`# sshd: /usr/sbin/sshd -D -e -f sshd_config   (Ciphers ${benchCipher}, LogLevel DEBUG1, key auth, 127.0.0.1)`);
  lines.push(`# far ends: node ${rel(serversScript)} ${fleetTotal}   -> ${JSON.stringify({ ...r.ports, http: `[${r.ports.http.length} ports]` })}`);
  lines.push(`# Jupyter: ${r.jupyterCommand}`);
  lines.push('# tests 1-3, forwards in order: sink, source, echo, Jupyter');
  for (const id of r.ids) lines.push(`[${id}] ${r.tunnels.get(id)!.command}`);
  lines.push('# test 4');
  for (const [id, fleet] of r.fleets) lines.push(`[${id}] ${fleet.command.split('\n').join(`\n[${id}] `)}`);
  if (typeof r.linkBulk !== 'string') {
    lines.push('# test 1c (bench/link-bulk.ts), forwards in order: sink, source, echo');
    lines.push(...r.linkBulk.commands);
  }
  if (typeof r.restore !== 'string') {
    lines.push('# test 5 (bench/restore.ts)');
    lines.push(...r.restore.commands);
  }
  lines.push('# load (bench/load.ts, in the benchmark process): upload = connect, send an 8-byte size, then N bytes, wait for');
  lines.push('# the sink\'s 8-byte count; download = ask the source for N bytes, read to EOF; echo = write 1 KiB, wait for 1 KiB;');
  lines.push('# /api/status = undici Client, one kept-alive connection, header "Authorization: token T".');
  lines.push('```');
  lines.push('');
  return `${lines.join('\n')}\n`;
}

function restoreLabel(v: RestoreVariant): string {
  if (v === 'openssh') return 'OpenSSH: while true; do ssh -N -L …; sleep 1; done';
  const [id, netchange] = v.split('+') as [Exclude<VariantId, 'openssh'>, string | undefined];
  return `${variantLabel(id)}${netchange ? ', with pool.networkChanged() at the cut and the restore' : ''}`;
}

/** Rows 5 and 5b: a median (min–max) of seconds from the restore to the first echo, and when the loss was noticed. */
function restoreRows(r: ReportInput, hub: VariantId[], row: (cells: string[]) => void): void {
  const target = '≤ 2 s';
  if (typeof r.restore === 'string') {
    row(['5', 'time to a usable tunnel after a link restore', `not measured: ${r.restore}`, ...hub.flatMap(() => ['—', '']), target]);
    return;
  }
  const res = r.restore;
  const seconds = (values: number[]) =>
    values.every(Number.isFinite) ? `${fixed(median(values), 2)} (${fixed(Math.min(...values), 2)}–${fixed(Math.max(...values), 2)})` : `${fixed(median(values), 2)} (some > 45)`;
  const usable = (v: RestoreVariant) => res.usable.get(v);
  const base = median(usable('openssh')!);
  const cells = (v: RestoreVariant) => {
    const values = usable(v);
    if (!values) return ['—', ''];
    const m = median(values);
    return [seconds(values), `${fixed(m / base, 2)}× ${m <= 2 && values.every(Number.isFinite) ? 'met' : '**missed**'}`];
  };
  const reps = res.linkUp.length;
  const cut = `${settings.restoreCutSeconds} s link cut (${settings.restoreCut})`;
  row([
    '5',
    `time to a usable tunnel after a ${cut}: s from the link being up again to the first echo through the local port, median (min–max) of ${reps}`,
    `${seconds(usable('openssh')!)} (restart loop)`,
    ...hub.flatMap((id) => cells(id as RestoreVariant)),
    target,
  ]);
  if (res.variants.some((v) => v.endsWith('+netchange'))) {
    row([
      '5b',
      'the same, hubtray with pool.networkChanged() at the cut and at the restore (what its network watch reports)',
      '(no such signal)',
      ...hub.flatMap((id) => cells(`${id}+netchange` as RestoreVariant)),
      target,
    ]);
  }
  const noticed = (v: RestoreVariant) => {
    const values = res.noticed.get(v);
    if (!values) return '—';
    const known = values.filter(Number.isFinite);
    return known.length === values.length ? fixed(median(values), 1) : `${fixed(median(known), 1)} (${values.length - known.length} not before the restore)`;
  };
  row([
    '',
    'loss noticed, s after the cut (median): keepalives; with networkChanged, a probe',
    noticed('openssh'),
    ...hub.flatMap((id) => [res.variants.includes(`${id}+netchange` as RestoreVariant) ? `${noticed(id as RestoreVariant)}; with networkChanged ${noticed(`${id}+netchange` as RestoreVariant)}` : noticed(id as RestoreVariant), '']),
    '(info)',
  ]);
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

try {
  await main();
} catch (err) {
  if (!interrupted) console.error(`benchmark failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
