// The queue is read once per cluster per interval, for all of its jobs: twenty servers waiting in the queue cost one
// squeue call per startup_poll_interval, each call asking about all twenty. The calls are counted by an exec_prefix
// that logs every Slurm command before running it. Also: the options form offers the cluster's partitions (sinfo).
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { startLoginNode, type LoginNode } from './cluster.js';

const scratch = mkdtempSync(join(tmpdir(), 'hubtray-slurm-polling-'));
const calls = join(scratch, 'calls.log');
const names = Array.from({ length: 20 }, (_, i) => `q${i}`);
let node: LoginNode;
let h: HubHarness;

beforeAll(async () => {
  node = await startLoginNode();
  const counter = join(scratch, 'count-calls');
  writeFileSync(counter, `#!/bin/sh\nprintf '%s\\n' "$*" >>${calls}\nexec "$@"\n`);
  chmodSync(counter, 0o755);
  h = await openHub(makeHome({ systems: { cluster: node.system({ exec_prefix: [counter, ...node.slurm.execPrefix], startup_poll_interval: 1 }) } }));
});

afterAll(async () => {
  await h?.close();
  await node?.stop();
  if (h) removeHome(h.home);
  rmSync(scratch, { recursive: true, force: true });
});

function squeueCalls(): string[] {
  return readFileSync(calls, 'utf8')
    .split('\n')
    .filter((line) => / squeue /.test(line));
}

it('offers the cluster partitions in the options form', async () => {
  const [system] = await h.hub.listSystems();
  const partition = system!.form.fields.find((f) => f.name === 'req_partition');
  expect(partition).toMatchObject({ type: 'select', choices: [{ value: '', label: 'default (debug)' }, { value: 'debug' }, { value: 'long' }] });
  expect(system!.form.fields.find((f) => f.name === 'req_nprocs')).toMatchObject({ type: 'number', min: 1, max: 2 });
});

it('reads the queue once per interval for twenty queued jobs', { timeout: 120_000 }, async () => {
  for (const name of names) await h.hub.start({ system: 'cluster', name, options: { req_options: '--hold' } });
  for (const name of names) {
    await expect.poll(async () => (await h.hub.listServers()).find((s) => s.name === name)?.events.at(-1)?.message, { timeout: 30_000 }).toBe('Queued: JobHeldUser');
  }
  const ids = names.map((name) => h.savedState(name).job_id as string);
  expect(new Set(ids).size).toBe(20);

  const before = squeueCalls().length;
  const seconds = 5;
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const during = squeueCalls().slice(before);
  // At most one call per second of startup_poll_interval (one more if both edges of the window catch one), never one
  // per job; fewer only if the machine is slow.
  expect(during.length).toBeGreaterThanOrEqual(2);
  expect(during.length).toBeLessThanOrEqual(seconds + 1);
  for (const call of during) expect(call.match(/--jobs=([\d,]+)/)?.[1]?.split(',').sort()).toEqual([...ids].sort());

  for (const name of names) await h.hub.cancel({ name });
  for (const name of names) expect((await h.waitFor(name, ['cancelled', 'failed'])).status).toBe('cancelled');
  expect((await node.slurm.jobs()).filter((j) => j.state !== 'CANCELLED')).toEqual([]);
});
