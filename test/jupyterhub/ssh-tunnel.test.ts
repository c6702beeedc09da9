// A JupyterHub reached only through an SSH host (the system's `ssh` settings): hubtray's API calls, its Test
// connection and the browser's way in all go through forwards over a real sshd, and the server is reached on a local
// tunnel port.
import { request } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { startJupyterHub, type JupyterHubFixture } from '../fixtures/jupyterhub.js';
import { startSshd, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';

let hub: JupyterHubFixture;
let sshd: Sshd;
let client: ClientConfig;
let h: HubHarness;

beforeAll(async () => {
  [hub, sshd] = await Promise.all([startJupyterHub(), startSshd({ logLevel: 'DEBUG1' })]);
  client = await writeClientConfig([{ alias: 'gateway', sshd }]);
  process.env.HUBTRAY_SSH_CONFIG = client.configPath;
  const token = await hub.userToken('dave');
  h = await openHub(makeHome({ systems: { private: { kind: 'jupyterhub', hub_url: hub.url, ssh: { host: 'gateway' } } } }));
  await h.hub.setSecret({ key: `jupyterhub-token/${hub.url}`, value: token });
});

afterAll(async () => {
  await h?.close();
  if (h) removeHome(h.home);
  await Promise.all([hub?.stop(), sshd?.stop(), client?.cleanup()]);
  delete process.env.HUBTRAY_SSH_CONFIG;
});

it('launches, opens and stops a server on a hub behind an SSH host, through tunnels', async () => {
  await h.hub.start({ system: 'private', name: 'behind' });
  const running = await h.waitFor('behind', ['running', 'failed']);
  expect(running.reason).toBeNull();
  expect(running.tunnel.state).toBe('connected');
  const local = new URL(running.url!);
  expect(local.hostname).toBe('127.0.0.1');
  expect(Number(local.port)).not.toBe(hub.port);
  expect(local.pathname).toBe('/user/dave/');

  const { url, note } = await h.hub.open({ name: 'behind' });
  expect(new URL(url).port).toBe(local.port);
  // hubtray's look whether the server takes a token in its URL went through the SSH host too.
  expect(note).toBeUndefined();
  const status = await request(new URL(`api/status?token=${new URL(url).searchParams.get('token')}`, running.url!));
  await status.body.dump();
  expect(status.statusCode).toBe(200);
  // sshd opened the forwards to the hub's port: the API calls' and the browser's.
  expect(await sshd.log()).toContain(`target 127.0.0.1 port ${hub.port}`);

  await h.hub.stop({ name: 'behind' });
  expect((await hub.api('GET', 'users/dave')).json.servers).toEqual({});
});

it('tests the connection to a hub behind an SSH host through the SSH host', async () => {
  const report = await h.hub.testConnection({ settings: { kind: 'jupyterhub', hub_url: hub.url, ssh: { host: 'gateway' } } });
  expect(report).toMatchObject({ ok: true, message: expect.stringMatching(/^Reached JupyterHub 3\.0\.0 at .* The API token is dave's/) });
  const unreachable = await h.hub.testConnection({ settings: { kind: 'jupyterhub', hub_url: 'http://127.0.0.1:1/', ssh: { host: 'gateway' } } });
  expect(unreachable.ok).toBe(false);
  expect(unreachable.message).toMatch(/^Could not reach the hub/);
});
