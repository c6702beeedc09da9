// The personal hub API on its own: what jupyterhub-singleuser and the Outpost call (version, /user with owner and
// scopes, activity, progress events, setup tunnel), the OAuth round trip a browser makes (login link, authorize, token),
// tokens revoked with their server, the browser pages' Host check, and the port kept across restarts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersonalHub, type RegisteredServer } from '../../electron/core/singleuser-api/personal-hub.js';

const dir = mkdtempSync(join(tmpdir(), 'hubtray-personal-hub-'));
const portFile = join(dir, 'personal-hub.json');
const user = userInfo().username;
const token = 'a'.repeat(48);
const otherToken = 'b'.repeat(48);
const events: Array<Record<string, unknown>> = [];
const tunnels: Array<Record<string, unknown>> = [];
const reports: Date[] = [];
let hub: PersonalHub;
let base: string;
let lab: RegisteredServer;

beforeAll(async () => {
  hub = new PersonalHub({ portFile });
  base = await hub.address();
  lab = hub.register('lab1', token, {
    event: (e) => events.push(e),
    setupTunnel: async (body) => {
      if (body.service === 'refuse:1') throw new Error('not that address');
      tunnels.push(body);
    },
    activity: (at) => reports.push(at),
  });
  hub.register('lab2', otherToken, { event: () => undefined, setupTunnel: async () => undefined, activity: () => undefined });
});

afterAll(async () => {
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(path: string, options: { method?: 'GET' | 'POST'; token?: string; body?: string; headers?: Record<string, string> } = {}) {
  const res = await request(`${base}${path}`, {
    method: options.method ?? 'GET',
    headers: { ...(options.token ? { authorization: `token ${options.token}` } : {}), ...(options.body ? { 'content-type': 'application/json' } : {}), ...options.headers },
    body: options.body,
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

describe('what the lab calls', () => {
  it('answers the version at /hub/api and /hub/api/, with X-JupyterHub-Version', async () => {
    for (const path of ['/hub/api', '/hub/api/']) {
      const res = await call(path);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ version: '3.0.0' });
      expect(res.headers['x-jupyterhub-version']).toBe('3.0.0');
    }
  });

  it('names a token’s owner and scopes at /hub/api/user, and answers 403 to a bad token', async () => {
    const me = await call('/hub/api/user', { token });
    expect(me.status).toBe(200);
    expect(me.json()).toEqual({
      kind: 'user',
      name: user,
      admin: false,
      groups: [],
      session_id: null,
      scopes: [`users:activity!user=${user}`, `access:servers!server=${user}/lab1`, `read:users:name!user=${user}`],
    });
    expect((await call('/hub/api/user', { token: 'c'.repeat(48) })).status).toBe(403);
    expect((await call('/hub/api/user')).status).toBe(403);
    // Bearer works too, as in JupyterHub.
    expect((await call('/hub/api/user', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('hands activity reports to the token’s own server, the server’s own time first', async () => {
    const path = `/hub/api/users/${user}/activity`;
    const body = JSON.stringify({ servers: { lab1: { last_activity: '2026-01-01T00:00:00Z' } }, last_activity: '2025-12-31T00:00:00Z' });
    expect((await call(path, { method: 'POST', token, body })).status).toBe(204);
    expect((await call(path, { method: 'POST', token, body: '{"last_activity":"2026-01-02T00:00:00.000000Z"}' })).status).toBe(204);
    expect(reports).toEqual([new Date('2026-01-01T00:00:00Z'), new Date('2026-01-02T00:00:00Z')]);
    expect((await call('/hub/api/users/someone-else/activity', { method: 'POST', token, body })).status).toBe(403);
  });

  it('refuses a report for another server, with no time, or with a time that is not one (a hostile lab)', async () => {
    const path = `/hub/api/users/${user}/activity`;
    const before = reports.length;
    const other = await call(path, { method: 'POST', token, body: JSON.stringify({ servers: { lab2: { last_activity: '2026-01-01T00:00:00Z' } } }) });
    expect(other.status).toBe(403);
    expect(other.json().message).toBe("this token may only report its own server's activity");
    expect((await call(path, { method: 'POST', token, body: '{}' })).json().message).toBe('body has no activity');
    const bad = await call(path, { method: 'POST', token, body: '{"last_activity":"yesterday"}' });
    expect([bad.status, bad.json().message]).toEqual([400, 'last_activity must be an ISO 8601 timestamp']);
    expect((await call(path, { method: 'POST', token, body: '{"servers":[1]}' })).status).toBe(400);
    expect(reports).toHaveLength(before);
  });
});

describe('what the Outpost calls', () => {
  it('hands progress events to their server, and refuses an empty body or another server’s token', async () => {
    const path = `/hub/api/users/progress/events/${user}/lab1`;
    expect((await call(path, { method: 'POST', token, body: JSON.stringify({ progress: 50, message: 'Spawning server...' }) })).status).toBe(204);
    expect(events).toEqual([{ progress: 50, message: 'Spawning server...' }]);
    expect((await call(path, { method: 'POST', token })).status).toBe(400);
    expect((await call(path, { method: 'POST', token: otherToken, body: '{"progress":1}' })).status).toBe(403);
    expect((await call(path, { method: 'POST', token, body: '{not json' })).status).toBe(400);
    expect(events).toHaveLength(1);
  });

  it('hands the setup-tunnel body to its server, and answers 400 with the reason when it refuses', async () => {
    const path = `/hub/api/users/setuptunnel/${user}/lab1`;
    expect((await call(path, { method: 'POST', token, body: JSON.stringify({ service: '10.0.0.5:8888' }) })).status).toBe(204);
    expect(tunnels).toEqual([{ service: '10.0.0.5:8888' }]);
    const refused = await call(path, { method: 'POST', token, body: JSON.stringify({ service: 'refuse:1' }) });
    expect(refused.status).toBe(400);
    expect(refused.json()).toEqual({ status: 400, message: 'not that address' });
  });
});

describe('the browser’s OAuth round trip', () => {
  const callback = `/user/${user}/lab1/oauth_callback`;
  let cookie = '';
  let code = '';

  it('logs the browser in with a single-use link, then sends it on', async () => {
    lab.setBrowserOrigin('http://127.0.0.1:40999');
    const link = new URL(await hub.loginUrl('http://127.0.0.1:40999/user/me/lab1/tree'));
    const first = await call(link.pathname + link.search);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe('http://127.0.0.1:40999/user/me/lab1/tree');
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toMatch(/; Path=\/hub\/; HttpOnly; SameSite=Strict/);
    cookie = setCookie.split(';')[0] as string;
    expect((await call(link.pathname + link.search)).status).toBe(403);
  });

  it('gives a code to the logged-in browser only, for the registered callback, at the lab’s origin', async () => {
    const authorize = (extra: Record<string, string>, headers: Record<string, string> = {}) =>
      call(`/hub/api/oauth2/authorize?${new URLSearchParams({ client_id: `jupyterhub-user-${user}-lab1`, redirect_uri: callback, response_type: 'code', state: 's-1', ...extra })}`, { headers });
    expect((await authorize({})).status).toBe(403);
    expect((await authorize({}, { cookie, host: 'evil.example:80' })).status).toBe(403);
    expect((await authorize({ redirect_uri: '/user/x/other/oauth_callback' }, { cookie })).status).toBe(400);
    expect((await authorize({ client_id: 'jupyterhub-user-nobody' }, { cookie })).status).toBe(400);
    const granted = await authorize({}, { cookie });
    expect(granted.status).toBe(302);
    const location = new URL(String(granted.headers.location));
    expect(location.origin + location.pathname).toBe(`http://127.0.0.1:40999${callback}`);
    expect(location.searchParams.get('state')).toBe('s-1');
    code = location.searchParams.get('code') as string;
    expect(code).toBeTruthy();
  });

  it('trades the code for an access token with the lab’s own token as client secret, once', async () => {
    const trade = (secret: string) =>
      call('/hub/api/oauth2/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: `jupyterhub-user-${user}-lab1`, client_secret: secret, grant_type: 'authorization_code', code, redirect_uri: callback }).toString(),
      });
    const wrong = await trade(otherToken);
    expect(wrong.status).toBe(400);
    expect(wrong.json()).toMatchObject({ error: 'invalid_client' });
    // The failed try used the code up.
    expect((await trade(token)).json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('gives an access token whose /user names the user with access to this server, revoked with the server', async () => {
    const authorized = await call(`/hub/api/oauth2/authorize?${new URLSearchParams({ client_id: `jupyterhub-user-${user}-lab1`, redirect_uri: callback, response_type: 'code' })}`, { headers: { cookie } });
    const fresh = new URL(String(authorized.headers.location)).searchParams.get('code') as string;
    const reply = await call('/hub/api/oauth2/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: `jupyterhub-user-${user}-lab1`, client_secret: token, grant_type: 'authorization_code', code: fresh, redirect_uri: callback }).toString(),
    });
    expect(reply.status).toBe(200);
    const access = reply.json().access_token as string;
    expect(reply.json()).toMatchObject({ token_type: 'Bearer' });
    const me = await call('/hub/api/user', { token: access });
    expect(me.json()).toMatchObject({ name: user, scopes: [`access:servers!server=${user}/lab1`, `read:users:name!user=${user}`, `read:users:groups!user=${user}`] });

    lab.close();
    expect((await call('/hub/api/user', { token: access })).status).toBe(403);
    expect((await call('/hub/api/user', { token })).status).toBe(403);
  });
});

it('listens on the same port after a restart', async () => {
  const port = new URL(base).port;
  await hub.close();
  const again = new PersonalHub({ portFile });
  try {
    expect(new URL(await again.address()).port).toBe(port);
  } finally {
    await again.close();
  }
});
