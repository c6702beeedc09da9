// extra_forwards of a Slurm system on a private cluster: a batch job's further port is forwarded through the login
// node's connection to the job's compute node (named `localhost` in this cluster's slurm.conf), as its Jupyter
// forward is, and ends when the job does. Against real slurmctld/slurmd, sshd and a remote http.server.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { fetchMarker, startRemoteListener, type RemoteListener } from '../fixtures/remote-listener.js';
import { startLoginNode, type LoginNode } from './cluster.js';

let node: LoginNode;
let h: HubHarness;
let dask: RemoteListener;

beforeAll(async () => {
  [node, dask] = await Promise.all([startLoginNode(), startRemoteListener('dask on the compute node')]);
  h = await openHub(makeHome({ systems: { cluster: node.system({ extra_forwards: [{ name: 'dask', remote_port: dask.port }] }) } }));
});

afterAll(async () => {
  await h?.close();
  await Promise.all([node?.stop(), dask?.stop()]);
  if (h) removeHome(h.home);
});

it("forwards a batch job's further port to its compute node through the login node, until the job ends", { timeout: 180_000 }, async () => {
  await h.hub.start({ system: 'cluster', name: 'job' });
  const running = await h.waitFor('job', ['running', 'failed'], 120_000);
  expect(running.status, running.reason ?? '').toBe('running');
  const forward = running.forwards?.[0];
  expect(forward).toMatchObject({ name: 'dask', remotePort: dask.port, origin: 'config', health: { state: 'connected' } });
  expect(await fetchMarker(forward?.url ?? '')).toBe('dask on the compute node');

  await h.hub.stop({ name: 'job', now: true });
  await h.waitFor('job', ['stopped'], 60_000);
  expect(await fetchMarker(forward?.url ?? '')).toBeNull();
});
