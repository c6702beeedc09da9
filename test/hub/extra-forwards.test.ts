// A system's extra_forwards against a real sshd and a real listener on the remote side (Python's http.server): a
// running ssh server gets each forward on 127.0.0.1 through its pooled connection, a local port hubtray picked is
// saved with the server, a local port another program holds is refused with the cause while the rest still work, and
// a stop ends them. Covers: a dashboard beside Jupyter, and a local port taken by someone else.
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { fetchMarker, startRemoteListener, type RemoteListener } from '../fixtures/remote-listener.js';

let sshd: Sshd;
let client: ClientConfig;
let h: HubHarness;
let dask: RemoteListener;
let board: RemoteListener;
/** A local port another program holds, asked for by one forward. */
let squatter: net.Server;
let squatted: number;

beforeAll(async () => {
  [sshd, dask, board] = await Promise.all([startSshd(), startRemoteListener('dask dashboard'), startRemoteListener('tensorboard')]);
  squatter = net.createServer();
  await new Promise<void>((resolve) => squatter.listen({ host: '127.0.0.1', port: 0 }, resolve));
  squatted = (squatter.address() as net.AddressInfo).port;
  client = await writeClientConfig([{ alias: 'lab', sshd }], { trust: true });
  process.env.HUBTRAY_SSH_CONFIG = client.configPath;
  h = await openHub(
    makeHome({
      systems: {
        lab: {
          kind: 'ssh',
          host: 'lab',
          cmd: ['/usr/bin/jupyter', 'server'],
          args: ['--allow-root'],
          extra_forwards: [
            { name: 'dask', remote_port: dask.port, local_port: 0 },
            { name: 'board', remote_port: board.port, local_port: squatted },
          ],
        },
      },
    }),
  );
});

afterAll(async () => {
  await h?.close();
  await Promise.all([sshd?.stop(), dask?.stop(), board?.stop(), new Promise((r) => squatter?.close(r))]);
  await client?.cleanup();
  if (h) removeHome(h.home);
  delete process.env.HUBTRAY_SSH_CONFIG;
});

describe('extra_forwards of an ssh system', () => {
  it('forwards each remote port to 127.0.0.1, refuses a busy local port with the cause, and ends with the server', { timeout: 120_000 }, async () => {
    await h.hub.start({ system: 'lab', name: 'dash' });
    const running = await h.waitFor('dash', ['running', 'failed']);
    expect(running.status, running.reason ?? '').toBe('running');

    const [daskForward, boardForward] = running.forwards ?? [];
    expect(daskForward).toMatchObject({ name: 'dask', remotePort: dask.port, origin: 'config', health: { state: 'connected' } });
    expect(daskForward?.url).toBe(`http://127.0.0.1:${daskForward?.localPort}/`);
    expect(await fetchMarker(daskForward?.url ?? '')).toBe('dask dashboard');
    // The picked port is saved with the server, for a restarted hub to open the forward on it again.
    const saved = JSON.parse(readFileSync(join(h.home, 'state.json'), 'utf8')).servers.dash.forwards;
    expect(saved).toContainEqual({ name: 'dask', remotePort: dask.port, localPort: daskForward?.localPort, chosen: false, origin: 'config' });

    expect(boardForward).toMatchObject({ name: 'board', url: null, health: { state: 'failed' } });
    expect(boardForward?.health.lastError).toBe(`local port ${squatted} on 127.0.0.1 is already in use; stop whatever listens there or choose another port`);

    const stopped = await h.hub.stop({ name: 'dash', now: true });
    expect(stopped.status).toBe('stopped');
    expect(await fetchMarker(daskForward?.url ?? '')).toBeNull();
    expect(stopped.forwards?.every((f) => f.url === null)).toBe(true);
  });
});
