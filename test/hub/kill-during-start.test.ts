// Fault injection across a start: `hubtray serve` is SIGKILLed at each step of a start (before the launch, after the
// launch but before the state write, after the state write) and started again. The user's world: a laptop that dies,
// an OOM killer, a user's `kill -9`. Each time there must be exactly one server (listed, running, answering) or none,
// never an orphan: the test counts the processes that carry the server's mark by PID, in /proc.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeHome, runCli, startCli, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';
import { pidAlive } from '../fixtures/hub-harness.js';

type Step = 'before the launch' | 'after the launch, before the state write' | 'after the state write';
const steps: Step[] = ['before the launch', 'after the launch, before the state write', 'after the state write'];
const ATTEMPTS_PER_STEP = 6;

let wrapperDir: string;

beforeAll(() => {
  wrapperDir = makeHome({});
  // The server's first act, before it becomes Jupyter: a note in HUBTRAY_HOME that the launch has happened.
  writeFileSync(join(wrapperDir, 'jupyter-that-says-it-started'), '#!/bin/sh\necho $$ >"$HUBTRAY_RUN_DIR/../../launched"\nexec /usr/bin/jupyter server "$@"\n', { mode: 0o755 });
});
afterAll(() => rmSync(wrapperDir, { recursive: true, force: true }));

/** PIDs of the processes that carry a mark of a run folder under this HUBTRAY_HOME. */
function markedProcesses(home: string): number[] {
  const mark = `HUBTRAY_RUN_DIR=${join(home, 'run')}/`;
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').some((entry) => entry.startsWith(mark)) && pidAlive(Number(pid));
      } catch {
        return false;
      }
    })
    .map(Number);
}

function saved(home: string): { status: string; spawnerState: Record<string, unknown> } | undefined {
  try {
    return JSON.parse(readFileSync(join(home, 'state.json'), 'utf8')).servers.s;
  } catch {
    return undefined;
  }
}

/** Which step the hub is at, by what it has saved and whether the server process exists. */
function stepNow(home: string): Step | 'not yet' {
  const record = saved(home);
  if (!record) return 'not yet';
  if (typeof record.spawnerState.pid === 'number') return 'after the state write';
  return existsSync(join(home, 'launched')) ? 'after the launch, before the state write' : 'before the launch';
}

async function waitUntil<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** One try: start, stop the hub at `target` (or later), SIGKILL it, start it again, and check the invariant. */
async function killAt(target: Step): Promise<Step> {
  const home = makeHome({ systems: { here: { kind: 'local', cmd: [join(wrapperDir, 'jupyter-that-says-it-started')], args: ['--allow-root'] } } });
  let serve: ServeProcess | undefined;
  try {
    serve = await startServe(home);
    const cli = startCli(home, ['start', 'here', '--name', 's']);
    // Watched closely (a step lasts tens of milliseconds); SIGSTOP freezes the hub exactly where it is.
    const hit = await waitUntil(`the step "${target}"`, () => {
      const step = stepNow(home);
      return step === 'not yet' || steps.indexOf(step) < steps.indexOf(target) ? undefined : step;
    }, 60_000, 1);
    process.kill(serve.pid, 'SIGSTOP');
    const frozen = stepNow(home) as Step;
    process.kill(serve.pid, 'SIGKILL');
    await serve.stop('SIGKILL');
    await cli.done;
    expect(steps.indexOf(frozen)).toBeGreaterThanOrEqual(steps.indexOf(hit));

    serve = await startServe(home);
    const settled = await waitUntil('the restarted hub to settle the start', async () => {
      const listed = await runCli(home, ['list', '--json']);
      const server = (JSON.parse(listed.stdout || '[]') as Array<{ name: string; status: string; reason: string | null }>).find((s) => s.name === 's');
      return server && server.status !== 'starting' ? server : undefined;
    });
    const marked = markedProcesses(home);
    if (settled.status === 'running') {
      // Exactly one: the one the hub lists, by PID.
      expect(marked).toEqual([saved(home)?.spawnerState.pid]);
      const stopped = await runCli(home, ['stop', 's', '--now']);
      expect(stopped.code, stopped.stderr).toBe(0);
      expect(markedProcesses(home)).toEqual([]);
    } else {
      expect(settled.status, settled.reason ?? '').toBe('failed');
      expect(marked).toEqual([]);
    }
    return frozen;
  } finally {
    for (const pid of markedProcesses(home)) process.kill(pid, 'SIGKILL');
    await serve?.stop('SIGTERM');
    rmSync(home, { recursive: true, force: true });
  }
}

it('a hub SIGKILLed at each step of a start leaves exactly one server or none, never an orphan', async () => {
  const hitSteps = new Set<Step>();
  for (const target of steps) {
    for (let attempt = 0; attempt < ATTEMPTS_PER_STEP && !hitSteps.has(target); attempt++) hitSteps.add(await killAt(target));
  }
  // Every step was hit at least once (a try that overshot its step still checked the invariant at the later one).
  expect([...hitSteps].sort()).toEqual([...steps].sort());
}, 600_000);
