// The benchmark's settings, from its environment (see run.ts): sizes and counts, smaller with BENCH_QUICK=1.
import type { RestoreCut } from './restore.js';

export const MiB = 1024 * 1024;
const quick = process.env.BENCH_QUICK === '1';
// 'silent' is the old name of the dead-path cut.
const cutKind: RestoreCut = process.env.BENCH_CUT === 'dead-path' || process.env.BENCH_CUT === 'silent' ? 'dead-path' : 'link-down';
export const settings = {
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
  forwardsPerHost: Number(process.env.BENCH_FORWARDS_PER_HOST ?? 10),
  idleSeconds: Number(process.env.BENCH_FLEET_IDLE_SECONDS ?? (quick ? 3 : 10)),
  keepaliveInterval: 5,
  keepaliveCountMax: 3,
  /** Benchmark 1c's link: a wired campus or data-centre path between a laptop and a cluster. */
  linkRateMbit: Number(process.env.BENCH_LINK_MBIT ?? 1000),
  linkReps: quick ? 1 : 3,
  /** Longer than either client takes to notice a dead link (keepalive every 5 s, 3 unanswered: 15-20 s). */
  restoreCutSeconds: Number(process.env.BENCH_CUT_SECONDS ?? 25),
  restoreReps: Number(process.env.BENCH_RESTORE_REPS ?? (quick ? 1 : 5)),
  restoreCut: cutKind,
  /** Benchmark 6, the idle hub (idle-hub.ts): how long it is watched, after how long a settle. */
  idleHubSeconds: Number(process.env.BENCH_IDLE_SECONDS ?? (quick ? 10 : 60)),
  idleHubSettleSeconds: quick ? 2 : 5,
  /** Servers per scenario, and poll_interval per scenario ('default': left out of config.json); every pair runs. */
  idleHubServers: (process.env.BENCH_IDLE_SERVERS ?? '10,50').split(',').map((n) => Number(n.trim())),
  idleHubPolls: (process.env.BENCH_IDLE_POLL ?? 'default,10').split(',').map((p) => (p.trim() === 'default' ? ('default' as const) : Number(p.trim()))),
  idleHubParallelStarts: 5,
  /** Benchmark 7, one slow peer (slow-peer.ts): repetitions of each scenario, each with a fresh hub. */
  slowPeerReps: Number(process.env.BENCH_SLOW_PEER_REPS ?? (quick ? 2 : 5)),
  /** Benchmark 8, start overhead on an SSH host (start-overhead.ts): timed starts of each side, after one warm-up. */
  startOverheadReps: Number(process.env.BENCH_START_REPS ?? (quick ? 2 : 5)),
  /** Benchmark 9, a jump↔target cut (jump-cut.ts): the cut seen in the field is 60 s. */
  jumpCutSeconds: Number(process.env.BENCH_JUMP_CUT_SECONDS ?? (quick ? 20 : 60)),
  jumpCutReps: Number(process.env.BENCH_JUMP_CUT_REPS ?? (quick ? 1 : 3)),
  /** Benchmark 10, CLI start-up (cli-startup.ts): interleaved pairs of `node -e 0` and each command. */
  cliStartupReps: Number(process.env.BENCH_CLI_REPS ?? (quick ? 5 : 20)),
  /** Benchmark 11, the idle culler's cost (culler-cost.ts): off, default and short cull_every, alternated per repetition. */
  cullerServers: Number(process.env.BENCH_CULLER_SERVERS ?? 50),
  cullerSeconds: Number(process.env.BENCH_CULLER_SECONDS ?? (quick ? 10 : 60)),
  cullerReps: Number(process.env.BENCH_CULLER_REPS ?? (quick ? 1 : 2)),
  cullerEvery: Number(process.env.BENCH_CULLER_EVERY ?? 10),
};
