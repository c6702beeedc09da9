// extra_forwards of a Slurm system on a private cluster: a batch job's further port is forwarded through the login
// node's connection to the job's compute node (named `localhost` in this cluster's slurm.conf), as its Jupyter
// forward is, and ends when the job does; the ports the job's server tree listens on are found on its node, in a step
// of the job itself (srun --overlap), and forwarded by a click. Against real slurmctld/slurmd, sshd and http.servers.
import { request } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { fetchMarker, jupyterWithDashboard, startRemoteListener, type RemoteListener } from '../fixtures/remote-listener.js';
import { freePort } from '../fixtures/ports.js';
import { startLoginNode, type LoginNode } from './cluster.js';

let node: LoginNode;
let h: HubHarness;
let dask: RemoteListener;
let ownDashboard: number;

beforeAll(async () => {
  [node, dask, ownDashboard] = await Promise.all([startLoginNode(), startRemoteListener('dask on the compute node'), freePort()]);
  h = await openHub(
    makeHome({
      systems: {
        cluster: node.system({ extra_forwards: [{ name: 'dask', remote_port: dask.port }] }),
        dashboards: node.system({ cmd: jupyterWithDashboard(ownDashboard) }),
      },
    }),
  );
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

it("finds the ports the job's server tree listens on, on its node, and forwards one", { timeout: 180_000 }, async () => {
  await h.hub.start({ system: 'dashboards', name: 'found' });
  const running = await h.waitFor('found', ['running', 'failed'], 120_000);
  expect(running.status, running.reason ?? '').toBe('running');
  const serverPort = Number(new URL(running.url ?? '').port);
  // The dashboard starts beside the server: it may come a moment later.
  await expect.poll(async () => (await h.hub.listeningPorts({ name: 'found' })).ports, { timeout: 20_000 }).toContain(ownDashboard);
  const { ports } = await h.hub.listeningPorts({ name: 'found' });
  // Its own port is the server's, not one to offer; the other listener on this machine (dask's) is not of its tree.
  expect(ports).not.toContain(serverPort);
  expect(ports).not.toContain(dask.port);
  const info = await h.hub.forward({ name: 'found', remotePort: ownDashboard });
  const forward = info.forwards?.find((f) => f.remotePort === ownDashboard);
  expect(forward).toMatchObject({ via: 'ssh', health: { state: 'connected' } });
  // http.server answers with a listing of the job's folder.
  const listing = await request(forward?.url ?? '', { headersTimeout: 5000, bodyTimeout: 5000 });
  expect(listing.statusCode).toBe(200);
  expect(await listing.body.text()).toContain('Directory listing');
  await h.hub.stop({ name: 'found', now: true });
});
