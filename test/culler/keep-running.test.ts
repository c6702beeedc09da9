// `hubtray keep-running` from the CLI, and a "Keep running" that outlives the hub: `serve` SIGKILLed right after the
// user kept an idle server (a crash, a logout) re-attaches it with the user's choice, so the culler neither warns
// again at once nor stops it before one more period has passed. Covers: a process SIGKILLed mid-countdown.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localJupyter, makeHome, runCli, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';

const IDLE_SECONDS = 20;
const WARNING_SECONDS = 10;
let home: string;
let serve: ServeProcess | undefined;

interface Listed {
  name: string;
  status: string;
  reason: string | null;
  stoppedAt: string | null;
  cullInSeconds?: number;
}

beforeAll(() => {
  home = makeHome({ systems: { here: { ...localJupyter, cull_idle_timeout: IDLE_SECONDS, cull_every: 1, cull_warning: WARNING_SECONDS }, plain: localJupyter } });
});

afterAll(async () => {
  const stopped = await runCli(home, ['stop', 'idle', '--now']).then(
    () => null,
    (error: unknown) => error,
  );
  await serve?.stop('SIGTERM');
  rmSync(home, { recursive: true, force: true });
  if (stopped) throw stopped;
});

async function server(name: string): Promise<Listed | undefined> {
  const result = await runCli(home, ['list', '--all', '--json']);
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as Listed[]).find((s) => s.name === name);
}

describe('hubtray keep-running', () => {
  it('postpones a warned cull, and a SIGKILLed hub re-attaches the server with the postponement', { timeout: 150_000 }, async () => {
    serve = await startServe(home);
    const started = await runCli(home, ['start', 'here', '--name', 'idle']);
    expect(started.code, started.stderr).toBe(0);
    await expect.poll(async () => (await server('idle'))?.cullInSeconds, { timeout: 60_000, interval: 500 }).toBeDefined();

    const kept = await runCli(home, ['keep-running', 'idle']);
    const keptAt = Date.now();
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toBe("idle: kept running; the idle culler's clock starts again now\n");
    expect((await server('idle'))?.cullInSeconds).toBeUndefined();

    expect(await serve.stop('SIGKILL')).toBeNull();
    serve = await startServe(home);
    // A hub that forgot the choice would count idleness from the server's start, long past the warning point: it
    // would warn at once and stop the server within cull_warning.
    const soon = keptAt + (IDLE_SECONDS - WARNING_SECONDS) * 1000 - 2000;
    while (Date.now() < soon) {
      const now = await server('idle');
      expect(now?.status).toBe('running');
      expect(now?.cullInSeconds).toBeUndefined();
      await new Promise((r) => setTimeout(r, 1000));
    }
    await expect.poll(async () => (await server('idle'))?.status, { timeout: 60_000, interval: 500 }).toBe('stopped');
    const stopped = await server('idle');
    expect(stopped?.reason).toBe(`stopped after ${IDLE_SECONDS} s idle (cull_idle_timeout)`);
    expect(Date.parse(stopped?.stoppedAt ?? '') - keptAt).toBeGreaterThanOrEqual(IDLE_SECONDS * 1000 - 1000);
  });

  it('says why when the server is not culled at all, and exits 1', { timeout: 90_000 }, async () => {
    serve ??= await startServe(home);
    const started = await runCli(home, ['start', 'plain', '--name', 'plain']);
    expect(started.code, started.stderr).toBe(0);
    const refused = await runCli(home, ['keep-running', 'plain']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.split('\n')[0]).toBe('hubtray: plain is not culled when idle: its system sets no cull_idle_timeout or cull_max_age');
    expect((await runCli(home, ['stop', 'plain', '--now'])).code).toBe(0);
  });
});
