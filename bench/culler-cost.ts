// Benchmark 11: the idle culler's cost (issue 15, "under 0.2 % CPU with 50 idle servers"). The idle hub of benchmark
// 6 (idle-hub.ts: `hubtray serve`, N stand-in Jupyter servers of a `local` system, nothing happening) three ways,
// alternated in the same run, each a fresh hub with its own N servers (a running server keeps the settings it
// started with, so one hub cannot switch its culler):
// - off: no cull_* settings (the `local` default, no culler);
// - default: cull_idle_timeout 3600 s and cull_every left out, so half of it applies (1800 s): no check falls in a
//   window of a minute or so, which is what a user with that setting pays;
// - short: cull_idle_timeout 3600 s, cull_every BENCH_CULLER_EVERY (10 s): a check per server every 10 s, so that
//   the checks' own cost shows.
// The timeout is far beyond the window and cull_warning (300 s): nothing is warned about or culled. The order of the
// three turns by one each repetition, so that no condition always comes first after a start. Read per scenario: the
// serve process's CPU (utime+stime) and the requests the stand-ins received in the window, by path.
import { prepareIdleHub, runScenario, type IdleFigures } from './idle-hub.js';
import { median } from './stats.js';

export type CullerCondition = 'off' | 'default' | 'short';
export const cullerConditions: CullerCondition[] = ['off', 'default', 'short'];
/** Far past any window and past cull_warning's 300 s: a culler that checks, and never warns or culls. */
export const benchIdleTimeout = 3600;

export interface CullerSettings {
  servers: number;
  windowSeconds: number;
  settleSeconds: number;
  parallelStarts: number;
  reps: number;
  /** cull_every of the `short` condition, seconds. */
  shortEvery: number;
}

export interface CullerRun {
  condition: CullerCondition;
  rep: number;
  figures: IdleFigures;
}

export interface CullerResult {
  settings: CullerSettings;
  runs: CullerRun[];
  commands: string[];
}

/** The bench system's cull settings for a condition. */
export function cullSettings(condition: CullerCondition, shortEvery: number): Record<string, number> {
  if (condition === 'off') return {};
  if (condition === 'default') return { cull_idle_timeout: benchIdleTimeout };
  return { cull_idle_timeout: benchIdleTimeout, cull_every: shortEvery };
}

/** The culler's checks a condition makes in a window: servers × window / cull_every. */
export function expectedChecks(condition: CullerCondition, settings: CullerSettings, windowSeconds: number): number {
  if (condition === 'off') return 0;
  const every = condition === 'default' ? benchIdleTimeout / 2 : settings.shortEvery;
  // The first check comes one cull_every after the server became ready: none in the window when that is later.
  return every > windowSeconds + 120 ? 0 : (settings.servers * windowSeconds) / every;
}

export async function measureCullerCost(options: {
  settings: CullerSettings;
  log: (line: string) => void;
  defer: (step: () => Promise<void>) => void;
}): Promise<CullerResult | string> {
  const { settings, log, defer } = options;
  const keyring = await prepareIdleHub(defer);
  if (typeof keyring === 'string') return keyring;
  const runs: CullerRun[] = [];
  for (let rep = 0; rep < settings.reps; rep++) {
    const order = cullerConditions.map((_, i) => cullerConditions[(i + rep) % cullerConditions.length] as CullerCondition);
    for (const condition of order) {
      log(`culler cost ${rep + 1}/${settings.reps}: ${settings.servers} servers, culling ${conditionLabel(condition, settings.shortEvery)}`);
      const figures = await runScenario({ servers: settings.servers, pollInterval: null }, settings, keyring, log, defer, cullSettings(condition, settings.shortEvery));
      log(`  CPU ${figures.cpuPercent.toFixed(2)} %, ${Math.round(requestsPerMinute(figures))} requests/min to the servers`);
      runs.push({ condition, rep, figures });
    }
  }
  return {
    settings,
    runs,
    commands: [
      `# as benchmark 6 (idle-hub.ts), poll_interval left at its default; the bench system's settings per condition:`,
      ...cullerConditions.map((c) => `#   ${c}: ${JSON.stringify(cullSettings(c, settings.shortEvery))}`),
      `# conditions alternated: rep R runs them in the order off, default, short turned by R`,
    ],
  };
}

export function conditionLabel(condition: CullerCondition, shortEvery: number): string {
  if (condition === 'off') return 'off';
  if (condition === 'default') return `on, cull_every default (${benchIdleTimeout / 2} s)`;
  return `on, cull_every ${shortEvery} s`;
}

export function requestsPerMinute(figures: IdleFigures, key?: string): number {
  const count = key === undefined ? Object.values(figures.requests).reduce((a, b) => a + b, 0) : (figures.requests[key] ?? 0);
  return (count * 60) / figures.windowSeconds;
}

/** The medians over a condition's repetitions. */
export function cullerMedians(result: CullerResult, condition: CullerCondition): { cpuPercent: number; requestsPerMinute: number; statusPerMinute: number; otherPerMinute: number } {
  const figures = result.runs.filter((r) => r.condition === condition).map((r) => r.figures);
  const status = figures.map((f) => requestsPerMinute(f, 'GET /api/status'));
  const all = figures.map((f) => requestsPerMinute(f));
  return {
    cpuPercent: median(figures.map((f) => f.cpuPercent)),
    requestsPerMinute: median(all),
    statusPerMinute: median(status),
    otherPerMinute: median(all.map((n, i) => n - (status[i] as number))),
  };
}

/** Issue 15's goal for the culler's share of the serve process's CPU with 50 idle servers. */
export const cullerTarget = { cpuPercent: 0.2, servers: 50 };
