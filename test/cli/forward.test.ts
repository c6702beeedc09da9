// `hubtray forward` and `hubtray unforward` against `hubtray serve`, a real sshd and a real listener on the remote side
// (Python's http.server): a port forwarded while the server runs answers on 127.0.0.1, `hubtray list` shows it with
// its health and URL, a local port another program holds is refused with the cause first, and unforward closes it.
// Covers: a dashboard started after Jupyter, and a local port taken by someone else.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerInfo } from '../../shared/api.js';
import { startSshd, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { makeHome, runCli, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';
import { removeHome } from '../fixtures/hub-harness.js';
import { fetchMarker, jupyterWithDashboard, startRemoteListener, type RemoteListener } from '../fixtures/remote-listener.js';
import { freePort } from '../fixtures/ports.js';

let sshd: Sshd;
let client: ClientConfig;
let home: string;
let serve: ServeProcess;
let dask: RemoteListener;
let squatter: net.Server;
/** The port of a dashboard that the `tree` system's server starts itself, as a child of Jupyter. */
let ownDashboard: number;

beforeAll(async () => {
  [sshd, dask, ownDashboard] = await Promise.all([startSshd(), startRemoteListener('dask dashboard'), freePort()]);
  squatter = net.createServer();
  await new Promise<void>((resolve) => squatter.listen({ host: '127.0.0.1', port: 0 }, resolve));
  client = await writeClientConfig([{ alias: 'lab', sshd }], { trust: true });
  home = makeHome({
    systems: {
      lab: { kind: 'ssh', host: 'lab', cmd: ['/usr/bin/jupyter', 'server'], args: ['--allow-root'] },
      tree: { kind: 'ssh', host: 'lab', cmd: jupyterWithDashboard(ownDashboard) },
    },
  });
  serve = await startServe(home, [], { HUBTRAY_SSH_CONFIG: client.configPath });
});

afterAll(async () => {
  for (const name of ['dash', 'own']) await runCli(home, ['stop', name, '--now']).catch(() => undefined);
  await serve?.stop('SIGTERM');
  await Promise.all([sshd?.stop(), dask?.stop(), new Promise((r) => squatter?.close(r))]);
  await client?.cleanup();
  if (home) removeHome(home);
});

async function dash(): Promise<ServerInfo | undefined> {
  const listed = await runCli(home, ['list', '--json']);
  return (JSON.parse(listed.stdout) as ServerInfo[]).find((s) => s.name === 'dash');
}

describe('hubtray forward / unforward', () => {
  it('forwards a remote port of a running server, lists it, refuses a busy local port, and closes it', { timeout: 120_000 }, async () => {
    const started = await runCli(home, ['start', 'lab', '--name', 'dash']);
    expect(started.code, started.stderr).toBe(0);

    const forwarded = await runCli(home, ['forward', 'dash', String(dask.port), '--name', 'dask']);
    expect(forwarded.code, forwarded.stderr).toBe(0);
    const forward = (await dash())?.forwards?.[0];
    expect(forward).toMatchObject({ name: 'dask', remotePort: dask.port, origin: 'added', health: { state: 'connected' } });
    expect(forwarded.stdout).toBe(`dash: port ${dask.port} forwarded to ${forward?.url} as dask\n`);
    expect(await fetchMarker(forward?.url ?? '')).toBe('dask dashboard');

    const listed = await runCli(home, ['list']);
    expect(listed.stdout).toMatch(new RegExp(`^dash +dask +${dask.port} +connected +${forward?.url}$`, 'm'));

    const busy = (squatter.address() as net.AddressInfo).port;
    const refused = await runCli(home, ['forward', 'dash', '9', '--local', String(busy)]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.split('\n')[0]).toBe(
      `hubtray: cannot forward port 9 of dash: local port ${busy} on 127.0.0.1 is already in use; stop whatever listens there or choose another port`,
    );
    expect((await dash())?.forwards).toHaveLength(1);

    const closed = await runCli(home, ['unforward', 'dash', 'dask']);
    expect(closed.code, closed.stderr).toBe(0);
    expect(closed.stdout).toBe('dash: forward of dask closed\n');
    expect(await fetchMarker(forward?.url ?? '')).toBeNull();
    expect((await dash())?.forwards).toBeUndefined();

    const unknown = await runCli(home, ['unforward', 'dash', String(dask.port)]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr.split('\n')[0]).toBe(`hubtray: dash has no forward of remote port ${dask.port}; \`hubtray list\` shows its forwards`);
  });

  it("`hubtray ports` lists what the server's own processes listen on, not other programs of the host", { timeout: 120_000 }, async () => {
    const started = await runCli(home, ['start', 'tree', '--name', 'own']);
    expect(started.code, started.stderr).toBe(0);
    // The dashboard binds its port a moment after Jupyter answers, or before: asked until it is there.
    let found: number[] = [];
    for (let i = 0; i < 40 && !found.includes(ownDashboard); i++) {
      const listed = await runCli(home, ['ports', 'own', '--json']);
      expect(listed.code, listed.stderr).toBe(0);
      found = (JSON.parse(listed.stdout) as { ports: number[] }).ports;
      if (!found.includes(ownDashboard)) await new Promise((r) => setTimeout(r, 250));
    }
    // Its own port and the host's other listeners (the dask dashboard, sshd) are not offered.
    expect(found).toEqual([ownDashboard]);
    expect((await runCli(home, ['ports', 'own'])).stdout).toMatch(new RegExp(`^${ownDashboard} +- +hubtray forward own ${ownDashboard}$`, 'm'));

    expect((await runCli(home, ['forward', 'own', String(ownDashboard)])).code).toBe(0);
    const url = (await runCli(home, ['ports', 'own'])).stdout.match(new RegExp(`^${ownDashboard} +port-${ownDashboard} +(http://127\\.0\\.0\\.1:\\d+/)$`, 'm'))?.[1];
    expect(url).toBeDefined();
  });
});
