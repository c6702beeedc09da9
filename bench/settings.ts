// The benchmark's settings, from its environment (see run.ts): sizes and counts, smaller with BENCH_QUICK=1.
import type { CutKind } from './netns-host.js';

export const MiB = 1024 * 1024;
const quick = process.env.BENCH_QUICK === '1';
const cutKind: CutKind = process.env.BENCH_CUT === 'silent' ? 'silent' : 'link-down';
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
  forwardsPerHost: 10,
  idleSeconds: quick ? 3 : 10,
  keepaliveInterval: 5,
  keepaliveCountMax: 3,
  /** Benchmark 1c's link: a wired campus or data-centre path between a laptop and a cluster. */
  linkRateMbit: Number(process.env.BENCH_LINK_MBIT ?? 1000),
  linkReps: quick ? 1 : 3,
  /** Longer than either client takes to notice a dead link (keepalive every 5 s, 3 unanswered: 15-20 s). */
  restoreCutSeconds: Number(process.env.BENCH_CUT_SECONDS ?? 25),
  restoreReps: Number(process.env.BENCH_RESTORE_REPS ?? (quick ? 1 : 5)),
  restoreCut: cutKind,
};
