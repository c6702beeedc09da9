// The idle culler on a private Slurm cluster: a batch job whose server is left idle is scancelled (its state in
// Slurm CANCELLED, its processes gone from the node), and the server's reason says it was culled for idleness.
// Slurm's own default: culling is on for batch jobs (an hour), which the schema gives without any setting.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SlurmSystem } from '../../shared/kinds/slurm.js';
import { LocalSystem } from '../../shared/kinds/local.js';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { jobProcesses, startLoginNode, type LoginNode } from './cluster.js';

let node: LoginNode;
let h: HubHarness;

beforeAll(async () => {
  node = await startLoginNode();
  h = await openHub(makeHome({ systems: { cluster: node.system({ cull_idle_timeout: 8, cull_every: 1, cull_warning: 4 }) } }));
});

afterAll(async () => {
  await h?.close();
  await node?.stop();
  if (h) removeHome(h.home);
});

it('culls by default for Slurm (an hour idle) and not for this computer', () => {
  expect(SlurmSystem.parse({ kind: 'slurm', host: 'cluster' })).toMatchObject({ cull_idle_timeout: 3600, cull_every: 0, cull_max_age: 0, cull_busy: false });
  expect(LocalSystem.parse({ kind: 'local' })).toMatchObject({ cull_idle_timeout: 0, cull_max_age: 0 });
});

it('scancels an idle batch job, and says why', { timeout: 180_000 }, async () => {
  await h.hub.start({ system: 'cluster', name: 'forgotten' });
  const running = await h.waitFor('forgotten', ['running', 'failed'], 120_000);
  expect(running.status).toBe('running');
  const jobId = h.savedState('forgotten').job_id as string;
  expect((await node.slurm.jobs()).find((j) => j.id === jobId)?.state).toBe('RUNNING');

  await expect.poll(() => h.events.some((e) => e.event === 'notice' && e.data.topic === 'cull' && e.data.server === 'forgotten'), { timeout: 30_000 }).toBe(true);
  const stopped = await h.waitFor('forgotten', ['stopped', 'failed'], 60_000);
  expect(stopped.reason).toBe('stopped after 8 s idle (cull_idle_timeout)');
  expect((await node.slurm.jobs()).find((j) => j.id === jobId)?.state).toBe('CANCELLED');
  expect(await jobProcesses(node.slurm, jobId, 'jupyter')).toEqual([]);
});
