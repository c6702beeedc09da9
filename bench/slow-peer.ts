// Benchmark 7: one slow peer slows nothing else. `hubtray serve` (the built CLI) with a `local` system (cmd: the
// stand-in Jupyter, jupyter-stand-in.ts, as in idle-hub.ts) next to an `outpost` system whose request_url is a
// blackholed TCP server on 127.0.0.1: it accepts every connection and never answers a byte.
//
// Each repetition and scenario gets a fresh HUBTRAY_HOME and a fresh `hubtray serve`, so that the first list is cold
// (the hub has never asked the Outpost for its form). The Outpost's credentials are stored beforehand with
// `hubtray secret set outpost-credentials/URL` (JSON {username, password}, as test/outpost does), so nothing prompts.
// Then, timed as wall time of the CLI process (spawn to exit):
// - `hubtray systems --json`, cold (the first list since serve started) and warm (right after);
// - `hubtray start local-system --name x --json`, which returns once the server runs.
// The baseline scenario is the same HUBTRAY_HOME without the outpost system. The two scenarios alternate within each
// repetition (baseline first in even repetitions, Outpost first in odd ones), so drift spreads over both.
// At the end of each: `hubtray stop x`, then the serve process by PID (stopTree), any stand-in left by its PID, the
// home removed. The blackhole server closes its held sockets when the benchmark ends.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { staleBuild } from '../testkit/build-freshness.js';
import { startKeyring, type PrivateKeyring } from '../testkit/keyring.js';
import { stopTree } from '../testkit/process-tree.js';
import { cli, cliPath, endStandIns, standInScript, startServe } from './idle-hub.js';
import { foreignLoad } from './proc.js';
import { fixed, median } from './stats.js';
import { rel } from './tunnels.js';

export type SlowPeerScenario = 'baseline' | 'outpost';

export interface SlowPeerTimes {
  systemsCold: number[];
  systemsWarm: number[];
  start: number[];
  /** What `hubtray systems --json` said of the outpost system in the cold list (its problem line), first repetition. */
  outpostProblem?: string | null;
}

export interface SlowPeerResult {
  reps: number;
  /** Milliseconds, per scenario. */
  times: Record<SlowPeerScenario, SlowPeerTimes>;
  /** Connections the blackhole accepted (the hub did go to it), and how many were still open at the end. */
  blackholeConnections: number;
  foreignPercent: number;
  commands: string[];
}

/** Issue "one slow peer slows nothing else": the list waits at most 3 s for a live form the first time. */
export const slowPeerTargets = { systemsColdMs: 3500, warmRatio: 1.2, startRatio: 1.2 };

const LOCAL = 'local-system';
const CREDENTIALS = { username: 'hubtray-bench', password: 'bench-password' };

export async function measureSlowPeer(options: {
  reps: number;
  log: (line: string) => void;
  defer: (step: () => Promise<void>) => void;
  /** The caller checked the build itself, before waiting for a quiet machine (BENCH_ONLY). */
  buildChecked?: boolean;
}): Promise<SlowPeerResult | string> {
  const { reps, log, defer } = options;
  if (process.platform !== 'linux') return 'needs Linux (/proc)';
  const stale = options.buildChecked ? null : hubBuildStale();
  if (stale) return stale;
  let keyring: PrivateKeyring;
  try {
    keyring = await startKeyring();
  } catch (error) {
    return `no private Secret Service for hubtray serve: ${(error as Error).message.split('\n')[0]}`;
  }
  defer(() => keyring.stop());

  const blackhole = await startBlackhole();
  defer(() => blackhole.stop());
  const requestUrl = `http://127.0.0.1:${blackhole.port}/services`;

  const times: Record<SlowPeerScenario, SlowPeerTimes> = {
    baseline: { systemsCold: [], systemsWarm: [], start: [] },
    outpost: { systemsCold: [], systemsWarm: [], start: [] },
  };
  const phase = await foreignLoad();
  for (let rep = 0; rep < reps; rep++) {
    const order: SlowPeerScenario[] = rep % 2 === 0 ? ['baseline', 'outpost'] : ['outpost', 'baseline'];
    for (const scenario of order) {
      const t = await runOnce(scenario, requestUrl, keyring, defer, rep === 0);
      times[scenario].systemsCold.push(t.systemsCold);
      times[scenario].systemsWarm.push(t.systemsWarm);
      times[scenario].start.push(t.start);
      if (rep === 0 && scenario === 'outpost') times.outpost.outpostProblem = t.outpostProblem;
      log(`  rep ${rep + 1} ${scenario}: systems cold ${fixed(t.systemsCold, 0)} ms, warm ${fixed(t.systemsWarm, 0)} ms; start ${fixed(t.start, 0)} ms`);
    }
  }
  const foreignPercent = await phase();
  const config = benchConfig('TMP/notebooks', 'http://127.0.0.1:BLACKHOLE/services');
  return {
    reps,
    times,
    blackholeConnections: blackhole.accepted(),
    foreignPercent,
    commands: [
      `# blackhole: a TCP server on 127.0.0.1:BLACKHOLE (in the benchmark process) that accepts and never writes`,
      `# HUBTRAY_HOME=TMP (fresh per repetition and scenario), DBUS_SESSION_BUS_ADDRESS=a private gnome-keyring (testkit/keyring.ts)`,
      `# config.json: ${JSON.stringify(config)}`,
      `#   (baseline: the same without "outpost")`,
      `node ${rel(cliPath)} serve`,
      `echo '{"username":"…","password":"…"}' | node ${rel(cliPath)} secret set outpost-credentials/http://127.0.0.1:BLACKHOLE/services   # outpost scenario only, untimed`,
      `node ${rel(cliPath)} systems --json                 # timed: cold`,
      `node ${rel(cliPath)} systems --json                 # timed: warm`,
      `node ${rel(cliPath)} start ${LOCAL} --name x --json  # timed, until it returns with x running`,
      `node ${rel(cliPath)} stop x; then SIGTERM to the serve process`,
    ],
  };
}

function benchConfig(notebooks: string, requestUrl: string | null): unknown {
  return {
    systems: {
      [LOCAL]: {
        kind: 'local',
        description: 'slow-peer benchmark: a stand-in Jupyter (bench/jupyter-stand-in.ts)',
        cmd: [process.execPath, standInScript],
        notebook_dir: notebooks,
      },
      ...(requestUrl === null ? {} : { outpost: { kind: 'outpost', description: 'a blackholed Outpost: accepts, never answers', request_url: requestUrl } }),
    },
  };
}

async function runOnce(
  scenario: SlowPeerScenario,
  requestUrl: string,
  keyring: PrivateKeyring,
  defer: (step: () => Promise<void>) => void,
  keepProblem: boolean,
): Promise<{ systemsCold: number; systemsWarm: number; start: number; outpostProblem: string | null }> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'hubtray-bench-slowpeer-'));
  defer(() => rm(home, { recursive: true, force: true }));
  const notebooks = path.join(home, 'notebooks');
  await mkdir(notebooks);
  await writeFile(path.join(home, 'config.json'), JSON.stringify(benchConfig(notebooks, scenario === 'outpost' ? requestUrl : null), null, 2));
  const env = keyring.env({ ...process.env, HUBTRAY_HOME: home });
  const serve = await startServe(home, env);
  defer(async () => {
    await endStandIns(home);
    await stopTree(serve.child);
  });
  try {
    if (scenario === 'outpost') {
      const stored = await cliInput(env, ['secret', 'set', `outpost-credentials/${requestUrl}`], JSON.stringify(CREDENTIALS));
      if (stored.code !== 0) throw new Error(`hubtray secret set failed (${stored.code}): ${stored.stderr.trim()}`);
    }
    const cold = await timed(env, ['systems', '--json']);
    const warm = await timed(env, ['systems', '--json']);
    const started = await timed(env, ['start', LOCAL, '--name', 'x', '--json']);
    let outpostProblem: string | null = null;
    if (keepProblem && scenario === 'outpost') {
      // The problem, if any, rides on the description (electron/core/hub/systems.ts).
      const listed = JSON.parse(cold.stdout) as Array<{ name: string; description: string }>;
      outpostProblem = listed.find((s) => s.name === 'outpost')?.description ?? 'not listed';
    }
    const stopped = await cli(env, ['stop', 'x']);
    if (stopped.code !== 0) throw new Error(`hubtray stop x failed (${stopped.code}): ${stopped.stderr.trim()}`);
    return { systemsCold: cold.ms, systemsWarm: warm.ms, start: started.ms, outpostProblem };
  } finally {
    await endStandIns(home);
    await stopTree(serve.child);
    await rm(home, { recursive: true, force: true });
  }
}

async function timed(env: NodeJS.ProcessEnv, args: string[]): Promise<{ ms: number; stdout: string }> {
  const t0 = performance.now();
  const result = await cli(env, args);
  const ms = performance.now() - t0;
  if (result.code !== 0) throw new Error(`hubtray ${args.join(' ')} failed (${result.code}): ${result.stderr.trim().split('\n').at(-1)}`);
  return { ms, stdout: result.stdout };
}

function cliInput(env: NodeJS.ProcessEnv, args: string[], input: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [cliPath, ...args], { env, timeout: 60_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr });
    });
    child.stdin?.end(input);
  });
}

/** A TCP server on 127.0.0.1 that accepts every connection and never writes a byte, nor closes one. */
async function startBlackhole(): Promise<{ port: number; accepted(): number; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
    socket.resume(); // read and drop whatever comes, so that the client's writes never block
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => accepted,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function slowPeerMedians(t: SlowPeerTimes): { cold: number; warm: number; start: number } {
  return { cold: median(t.systemsCold), warm: median(t.systemsWarm), start: median(t.start) };
}

/**
 * Why the built Hub is not the sources' (dist/ older than a source under electron/ or shared/), else null. The
 * headless `hubtray serve` never loads the renderer's bundle, so a renderer/dist/ older than renderer/src/ (others at
 * work in the tree) does not stop these benchmarks; staleBuild checks electron/ and shared/ first.
 */
export function hubBuildStale(): string | null {
  const stale = staleBuild();
  if (stale === null || stale.endsWith('→ renderer/dist/index.html')) return null;
  return `the build is older than the sources (${stale}): run \`npm run build\` first`;
}
