// A Slurm system's options form offers the virtualenvs found on its login node beside the partitions, and a job
// started in one runs the server with that environment's python. Real virtualenvs (Debian's python3 -m venv, one
// reusing the system's site-packages so that Debian's Jupyter server is importable in it), a real Slurm and sshd.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { jobProcesses, startLoginNode, type LoginNode } from './cluster.js';

const scratch = mkdtempSync(join(tmpdir(), 'hubtray-slurm-envs-'));
const withServer = join(scratch, 'with-server');
const bare = join(scratch, 'bare');
let node: LoginNode;
let h: HubHarness;

beforeAll(async () => {
  execFileSync('/usr/bin/python3', ['-m', 'venv', '--without-pip', '--system-site-packages', withServer]);
  execFileSync('/usr/bin/python3', ['-m', 'venv', '--without-pip', bare]);
  node = await startLoginNode();
  h = await openHub(makeHome({ systems: { cluster: node.system({ req_runtime: '30', environment_folders: [scratch] }) } }));
});

afterAll(async () => {
  await h?.close();
  await node?.stop();
  if (h) removeHome(h.home);
  rmSync(scratch, { recursive: true, force: true });
});

it('offers the login node’s virtualenvs that have the server, beside the partitions', async () => {
  // On two busy cores the first scan may take longer than the list waits: then a later list has its answer.
  const form = async () => (await h.hub.listSystems()).find((s) => s.name === 'cluster')!.form.fields;
  await expect.poll(async () => (await form()).find((f) => f.name === 'python_environment')?.type, { timeout: 30_000 }).toBe('select');
  const fields = await form();
  expect(fields.find((f) => f.name === 'req_partition')).toMatchObject({ type: 'select' });
  const offered = fields.find((f) => f.name === 'python_environment');
  expect(offered?.type === 'select' ? offered.choices.map((c) => c.value) : []).toEqual(['', withServer]);
  expect(offered?.help).toContain(`Without Jupyter Server: ${bare}.`);
});

it('runs the job’s server with the chosen environment’s python', { timeout: 150_000 }, async () => {
  await h.hub.start({ system: 'cluster', name: 'in-venv', options: { python_environment: withServer } });
  const running = await h.waitFor('in-venv', ['running', 'failed'], 120_000);
  expect(running.reason).toBeNull();
  const jobId = h.savedState('in-venv').job_id as string;
  expect(await jobProcesses(node.slurm, jobId, `${withServer}/bin/python\0-m\0jupyter_server`)).toHaveLength(1);
  await h.hub.stop({ name: 'in-venv', now: true });
});
