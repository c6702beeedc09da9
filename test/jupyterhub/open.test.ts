// How hubtray reaches a server on a real JupyterHub 3.0.0, and how the browser gets in: API calls to hub_url_local
// while the browser's URL comes from hub_url (each behind a relay that records what passes), and the hub's login
// page, with a note, when the server turns away the token hubtray would put in the URL.
import { request } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { startJupyterHub, type JupyterHubFixture } from '../fixtures/jupyterhub.js';
import { startRecordingRelay, type RecordingRelay } from './recording-relay.js';

let hub: JupyterHubFixture;
let h: HubHarness;
let publicRelay: RecordingRelay;
let internalRelay: RecordingRelay;

beforeAll(async () => {
  hub = await startJupyterHub();
  publicRelay = await startRecordingRelay(hub.port);
  internalRelay = await startRecordingRelay(Number(new URL(hub.internalUrl).port));
  const form = { fields: [{ name: 'url_tokens', type: 'checkbox' }] };
  h = await openHub(
    makeHome({
      systems: {
        split: { kind: 'jupyterhub', hub_url: publicRelay.url, hub_url_local: internalRelay.url, retries: 2, retry_delay: 0.2 },
        strict: { kind: 'jupyterhub', hub_url: hub.url, retries: 2, retry_delay: 0.2, options_form: form },
      },
    }),
  );
  await h.hub.setSecret({ key: `jupyterhub-token/${publicRelay.url}`, value: await hub.userToken('grace') });
  await h.hub.setSecret({ key: `jupyterhub-token/${hub.url}`, value: await hub.userToken('frank') });
});

afterAll(async () => {
  await h?.close();
  if (h) removeHome(h.home);
  await Promise.all([publicRelay?.close(), internalRelay?.close()]);
  await hub?.stop();
});

it('sends API calls to hub_url_local and builds the browser’s URL from hub_url', async () => {
  await h.hub.start({ system: 'split', name: 'split' });
  const running = await h.waitFor('split', ['running', 'failed']);
  expect(running.reason).toBeNull();
  expect(running.url).toBe(`${publicRelay.url}user/grace/`);
  const { url, note } = await h.hub.open({ name: 'split' });
  expect(note).toBeUndefined();
  expect(url.startsWith(`${publicRelay.url}user/grace/?token=`)).toBe(true);
  const res = await request(new URL(`api/status?token=${new URL(url).searchParams.get('token')}`, running.url!));
  await res.body.dump();
  expect(res.statusCode).toBe(200);
  await h.hub.stop({ name: 'split' });

  const api = (requests: string[]) => requests.filter((line) => line.split(' ')[1]?.startsWith('/hub/api/'));
  expect(api(internalRelay.requests)).toEqual(expect.arrayContaining(['GET /hub/api/user', 'POST /hub/api/users/grace/server', 'GET /hub/api/users/grace/server/progress', 'DELETE /hub/api/users/grace/server']));
  expect(api(publicRelay.requests)).toEqual([]);
  // What went to hub_url is the browser's way in: hubtray's look whether the server takes a token in its URL, its
  // check that the server answers, and the test's own request above.
  expect(publicRelay.requests.length).toBeGreaterThanOrEqual(3);
  expect(publicRelay.requests.every((line) => line.startsWith('GET /user/grace/api/status'))).toBe(true);
  expect(publicRelay.requests.filter((line) => line.includes('?token='))).toHaveLength(2);
  expect(internalRelay.requests.filter((line) => line.includes('/user/grace/'))).toEqual([]);
});

it('opens the hub’s login page, and says why, when the server turns away a token in its URL', async () => {
  // A hub whose version would say tokens in URLs work: the server's own answer decides.
  expect((await hub.api('GET', '')).json.version).toBe('3.0.0');
  await h.hub.start({ system: 'strict', name: 'strict', options: { url_tokens: false } });
  const running = await h.waitFor('strict', ['running', 'failed']);
  expect(running.reason).toBeNull();
  const { url, note } = await h.hub.open({ name: 'strict' });
  expect(url).toBe(`${hub.url}hub/login?next=${encodeURIComponent('/user/frank/')}`);
  expect(note).toBe(
    'the server turned away a token in its URL (it answered 403), so this opens the hub’s login page; log in there (JUPYTERHUB_ALLOW_TOKEN_IN_URL=1 in the server’s environment lets hubtray log you in)',
  );
  await h.hub.stop({ name: 'strict' });
});
