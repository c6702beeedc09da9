// A token revoked while servers run, on a real JupyterHub 3.0.0: the user replaces it as hubtray's advice says, and
// the servers already running are polled and stopped with the new one; without a new one, a poll says what to do.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { startJupyterHub, type JupyterHubFixture } from '../fixtures/jupyterhub.js';

let hub: JupyterHubFixture;
let h: HubHarness;
let key: string;

beforeAll(async () => {
  hub = await startJupyterHub();
  await hub.api('POST', 'users/dave');
  const form = { fields: [{ name: 'server', type: 'text' }] };
  h = await openHub(
    makeHome({
      systems: { uni: { kind: 'jupyterhub', hub_url: hub.url, retries: 2, retry_delay: 0.2, allow_named_servers: true, options_form: form, apply_user_options: { server: 'server_name' } } },
    }),
  );
  key = `jupyterhub-token/${hub.url}`;
});

afterAll(async () => {
  await h?.close();
  if (h) removeHome(h.home);
  await hub?.stop();
});

/** A new API token of dave's, in the keychain where the user would put it. */
async function storeNewToken(): Promise<{ id: string }> {
  const created = (await hub.api('POST', 'users/dave/tokens', { note: 'from the token page' })).json as { id: string; token: string };
  await h.hub.setSecret({ key, value: created.token });
  return created;
}

const revoke = async (token: { id: string }) => expect((await hub.api('DELETE', `users/dave/tokens/${token.id}`)).status).toBe(204);
const onHub = async (server: string) => (await hub.api('GET', 'users/dave')).json.servers[server] as { ready: boolean } | undefined;

async function startServer(name: string): Promise<void> {
  await h.hub.start({ system: 'uni', name, options: { server: name } });
  expect((await h.waitFor(name, ['running', 'failed'])).reason).toBeNull();
}

it('a token revoked while servers run: the token the user stores instead polls and stops every server of the hub', async () => {
  const first = await storeNewToken();
  await startServer('one');
  await startServer('two');
  // Polled once with the first token, as every running server is.
  for (const name of ['one', 'two']) expect((await h.hub.recheck({ name })).status).toBe('running');
  await revoke(first);
  await storeNewToken();
  for (const name of ['one', 'two']) {
    const checked = await h.hub.recheck({ name });
    expect(checked.reason).toBeNull();
    expect(checked.status).toBe('running');
  }
  for (const name of ['one', 'two']) {
    expect((await h.hub.stop({ name })).status).toBe('stopped');
    expect(await onHub(name)).toBeUndefined();
  }
});

it('a token revoked while servers run, and no new one: the poll and the stop say how to replace it, and the server is kept', async () => {
  const token = await storeNewToken();
  await startServer('three');
  expect((await h.hub.recheck({ name: 'three' })).status).toBe('running');
  await revoke(token);
  const checked = await h.hub.recheck({ name: 'three' });
  expect(checked.status).toBe('lost');
  expect(checked.reason).toMatch(/the hub refused the API token \(403/);
  expect(checked.reason).toContain(`Store a working token with \`hubtray secret set ${key}\``);
  await expect(h.hub.stop({ name: 'three' })).rejects.toThrow(`hubtray secret set ${key}`);
  expect((await onHub('three'))?.ready).toBe(true);

  await storeNewToken();
  expect((await h.hub.stop({ name: 'three' })).status).toBe('stopped');
  expect(await onHub('three')).toBeUndefined();
});

