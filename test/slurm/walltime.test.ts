// A job with a one-minute walltime: the Hub shows the walltime left, warns that it ends (it is already within the
// warning's 15 minutes), and once Slurm has ended the job, shows the server stopped, with Slurm's state and reason and
// the tail of the job's output. Slurm checks time limits every 30 s or so, so this takes one to two minutes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { startLoginNode, type LoginNode } from './cluster.js';

let node: LoginNode;
let h: HubHarness;

beforeAll(async () => {
  node = await startLoginNode();
  h = await openHub(makeHome({ systems: { cluster: node.system({ req_runtime: '1' }) } }));
});

afterAll(async () => {
  await h?.close();
  await node?.stop();
  if (h) removeHome(h.home);
});

it('shows the walltime left, warns before the end, and shows the server stopped when the walltime is up', { timeout: 180_000 }, async () => {
  await h.hub.start({ system: 'cluster', name: 'short' });
  const running = await h.waitFor('short', ['running', 'failed']);
  expect(running.status).toBe('running');
  expect(running.walltimeLeftSeconds).toBeGreaterThan(30);
  expect(running.walltimeLeftSeconds).toBeLessThanOrEqual(60);
  const warnings = () => h.events.filter((e) => e.event === 'notice').map((e) => e.data as { level: string; message: string });
  await expect.poll(warnings).toContainEqual({
    level: 'warning',
    message: expect.stringMatching(/^short: its walltime ends in 1 minute, at \d\d:\d\d; save your work$/),
    server: 'short',
    topic: 'walltime',
  });

  const stopped = await h.waitFor('short', ['stopped', 'failed'], 150_000);
  expect(stopped.status).toBe('stopped');
  expect(stopped.reason).toMatch(/^the server exited: batch job \d+ TIMEOUT: its walltime ran out \(TimeLimit\)/);
  expect(stopped.reason).toMatch(/last lines of the server log[\s\S]*CANCELLED AT .* DUE TO TIME LIMIT/);
  expect(stopped.walltimeLeftSeconds).toBeUndefined();
});
