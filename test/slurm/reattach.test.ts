// A hub killed with SIGKILL while one Slurm job runs and another waits in the queue, then started again: it finds
// both by the job ids in its state. The running one is re-attached (same job, same local port, same token); the
// queued one is still watched as a start in progress, and becomes ready once Slurm runs it.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ServerInfo } from '../../shared/api.js';
import { connectHub } from '../../electron/core/api-client/connect.js';
import type { HubClient } from '../../electron/core/api-client/client.js';
import { makeHome, runCli, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';
import { startLoginNode, type LoginNode } from './cluster.js';

let node: LoginNode;
let home: string;
let serve: ServeProcess | undefined;
let hub: HubClient | undefined;

beforeAll(async () => {
  node = await startLoginNode();
  home = makeHome({ systems: { cluster: node.system({ req_runtime: '30' }) } });
});

afterAll(async () => {
  await hub?.close();
  for (const name of ['running', 'queued']) await runCli(home, ['stop', name, '--now']);
  await serve?.stop('SIGTERM');
  await node?.stop();
  rmSync(home, { recursive: true, force: true });
});

function saved(): Record<string, { status: string; spawnerState: { job_id: string } }> {
  return (JSON.parse(readFileSync(join(home, 'state.json'), 'utf8')) as { servers: ReturnType<typeof saved> }).servers;
}

function jobIds(): Record<string, string> {
  return Object.fromEntries(Object.entries(saved()).map(([name, r]) => [name, r.spawnerState.job_id]));
}

async function server(name: string): Promise<ServerInfo | undefined> {
  return (await hub!.listServers({})).find((s) => s.name === name);
}

async function answers(info: ServerInfo): Promise<number> {
  const { url } = await hub!.open({ name: info.name });
  const res = await request(new URL('api/status', info.url!), { headers: { authorization: `token ${new URL(url).searchParams.get('token')}` } });
  await res.body.dump();
  return res.statusCode;
}

it('re-attaches a running job and keeps watching a queued one after a SIGKILL', { timeout: 120_000 }, async () => {
  serve = await startServe(home);
  hub = await connectHub({ home });
  await hub.start({ system: 'cluster', name: 'running' });
  await hub.start({ system: 'cluster', name: 'queued', options: { req_options: '--hold' } });
  await expect.poll(async () => (await server('running'))?.status, { timeout: 30_000 }).toBe('running');
  await expect.poll(async () => (await server('queued'))?.events.at(-1)?.message, { timeout: 30_000 }).toBe('Queued: JobHeldUser');
  // The hub shows a change a moment before it is on disk; this test is about a hub killed after that moment.
  await expect.poll(() => saved().running?.status).toBe('running');
  const before = (await server('running'))!;
  const ids = jobIds();

  await hub.close();
  expect(await serve.stop('SIGKILL')).toBeNull();
  // The jobs outlive the hub.
  expect((await node.slurm.jobs()).map((j) => [j.id, j.state]).sort()).toEqual([
    [ids.queued, 'PENDING'],
    [ids.running, 'RUNNING'],
  ].sort());

  serve = await startServe(home);
  hub = await connectHub({ home });
  const after = (await server('running'))!;
  expect(after.status).toBe('running');
  expect(after.tunnel.localPort).toBe(before.tunnel.localPort);
  expect(after.url).toBe(before.url);
  expect(await answers(after)).toBe(200);
  expect(jobIds().running).toBe(ids.running);
  // The walltime left is back too, from the queue.
  expect((await runCli(home, ['list'])).stdout).toMatch(/^running +cluster +running +.+ \((2\d|30)m \d\ds left\)/m);

  await expect.poll(async () => (await server('queued'))?.events.at(-1)?.message, { timeout: 30_000 }).toBe('Queued: JobHeldUser');
  expect((await server('queued'))?.status).toBe('starting');
  await node.slurm.command('scontrol', ['release', ids.queued!]);
  await expect.poll(async () => (await server('queued'))?.status, { timeout: 30_000 }).toBe('running');
  expect(await answers((await server('queued'))!)).toBe(200);
  // Still the same two jobs: nothing was submitted twice.
  expect((await node.slurm.jobs()).map((j) => j.id).sort()).toEqual([ids.queued, ids.running].sort());
  expect(jobIds()).toEqual(ids);

  for (const name of ['running', 'queued']) expect((await hub.stop({ name })).status).toBe('stopped');
  expect((await node.slurm.jobs()).map((j) => j.state)).toEqual(['CANCELLED', 'CANCELLED']);
});
