// The local API server in front of a real Hub (with Debian's Jupyter server as its local system): who may call
// it, what bad calls get, and the event stream.
import { request as httpRequest } from 'node:http';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { HubEvent } from '../../shared/api.js';
import { createHubClient, type HubClient } from '../../electron/core/api-client/client.js';
import { startApiServer, type ApiServer } from '../../electron/core/api-server/server.js';
import { Hub } from '../../electron/core/hub/hub.js';
import { localJupyter, makeHome } from '../fixtures/hubtray-process.js';

const token = 'test-token-for-the-local-api-0123456789';
const home = makeHome({ systems: { here: localJupyter } });
let hub: Hub;
let api: ApiServer;
let client: HubClient;

beforeAll(async () => {
  hub = await Hub.open({ home });
  api = await startApiServer(hub, { token });
  client = createHubClient(api.url, token);
});

afterAll(async () => {
  await client?.close();
  await api?.close();
  await hub?.close();
  rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request, so that tests control every header, Host included. */
function send(path: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: api.port, path, method: options.method ?? 'POST', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const auth = { authorization: `Bearer ${token}` };
const json = { ...auth, 'content-type': 'application/json' };

function call(method: string, body: string, headers: Record<string, string> = json): Promise<Reply> {
  return send(`/api/call/${method}`, { headers, body });
}

function errorOf(reply: Reply): { code: string; message: string } {
  return (JSON.parse(reply.body) as { error: { code: string; message: string } }).error;
}

/** Opens a WebSocket to the event stream and resolves with the HTTP status of a refusal, or 101. */
function upgradeStatus(path: string, headers: Record<string, string>, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${api.port}${path}`, { headers, origin });
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (req, res) => {
      req.destroy();
      resolve(res.statusCode ?? 0);
    });
    ws.once('error', reject);
  });
}

describe('local API server', () => {
  it('listens on 127.0.0.1 and answers calls that carry the token', async () => {
    expect(api.url).toBe(`http://127.0.0.1:${api.port}`);
    const reply = await call('listServers', '{}');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual([]);
    expect(reply.headers['cache-control']).toBe('no-store');
  });

  it('refuses calls without the token, or with a wrong one, with 401', async () => {
    const missing = await call('listServers', '{}', { 'content-type': 'application/json' });
    expect(missing.status).toBe(401);
    expect(errorOf(missing).code).toBe('unauthorized');
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    const wrong = await call('listServers', '{}', { 'content-type': 'application/json', authorization: `Bearer ${token}x` });
    expect(wrong.status).toBe(401);
    const query = await send(`/api/call/listServers?token=${token}`, { headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(query.status).toBe(401);
  });

  it('refuses a foreign Host header with 403, against DNS rebinding, and accepts localhost', async () => {
    const rebound = await call('listServers', '{}', { ...json, host: `evil.example:${api.port}` });
    expect(rebound.status).toBe(403);
    expect(errorOf(rebound).message).toContain('Host');
    expect((await call('listServers', '{}', { ...json, host: `127.0.0.1:${api.port + 1}` })).status).toBe(403);
    expect((await call('listServers', '{}', { ...json, host: `localhost:${api.port}` })).status).toBe(200);
  });

  it('refuses a foreign Origin with 403, and accepts its own', async () => {
    const foreign = await call('listServers', '{}', { ...json, origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(errorOf(foreign).message).toContain('Origin');
    expect((await call('listServers', '{}', { ...json, origin: `http://127.0.0.1:${api.port + 1}` })).status).toBe(403);
    expect((await call('listServers', '{}', { ...json, origin: 'null' })).status).toBe(403);
    expect((await call('listServers', '{}', { ...json, origin: `http://localhost:${api.port}` })).status).toBe(200);
  });

  it('guards the WebSocket upgrade the same way', async () => {
    expect(await upgradeStatus('/api/events', auth)).toBe(101);
    expect(await upgradeStatus(`/api/events?token=${token}`, {})).toBe(101);
    expect(await upgradeStatus('/api/events', {})).toBe(401);
    expect(await upgradeStatus('/api/events?token=wrong', {})).toBe(401);
    expect(await upgradeStatus('/api/events', { ...auth, host: `evil.example:${api.port}` })).toBe(403);
    expect(await upgradeStatus('/api/events', auth, 'http://evil.example')).toBe(403);
    expect(await upgradeStatus('/api/elsewhere', auth)).toBe(404);
  });

  it('rejects malformed JSON, non-JSON bodies and oversized bodies', async () => {
    const malformed = await call('listServers', '{"not json');
    expect(malformed.status).toBe(400);
    expect(errorOf(malformed).code).toBe('bad-request');
    expect(errorOf(malformed).message).not.toContain('not json');
    expect((await call('listServers', '{}', { ...auth, 'content-type': 'text/plain' })).status).toBe(415);
    const huge = await call('setSecret', JSON.stringify({ key: 'k', value: 'x'.repeat(2 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    const chunked = await call('setSecret', JSON.stringify({ key: 'k', value: 'x'.repeat(2 * 1024 * 1024) }), { ...json, 'transfer-encoding': 'chunked' });
    expect(chunked.status).toBe(413);
    expect((await call('listServers', '{}')).status).toBe(200);
  });

  it('answers an unknown method with 404, a GET with 405, and an unknown path with 404', async () => {
    const unknown = await call('launchMissiles', '{}');
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown)).toEqual({ code: 'not-found', message: 'no such method "launchMissiles"' });
    expect((await call('__proto__', '{}')).status).toBe(404);
    expect((await send('/api/call/listServers', { method: 'GET', headers: auth })).status).toBe(405);
    expect((await send('/elsewhere', { method: 'GET', headers: auth })).status).toBe(404);
    expect((await send('/api/events', { method: 'GET', headers: auth })).status).toBe(426);
  });

  it('rejects bad arguments with 400 naming the field, and maps hub errors to their status', async () => {
    const bad = await call('start', JSON.stringify({ system: 'here', name: 'no spaces allowed' }));
    expect(bad.status).toBe(400);
    expect(errorOf(bad).message).toMatch(/^start: name: /);
    const extra = await call('listServers', JSON.stringify({ surprise: 1 }));
    expect(extra.status).toBe(400);
    expect(errorOf(extra).message).toContain('surprise');
    const missing = await call('stop', JSON.stringify({ name: 'nobody' }));
    expect(missing.status).toBe(404);
    expect(errorOf(missing)).toEqual({ code: 'not-found', message: 'no server named "nobody"' });
  });

  it('streams events: current servers first, then progress and status changes of a real start', async () => {
    const events: HubEvent[] = [];
    const unsubscribe = await client.subscribe((event) => events.push(event));
    const started = await client.start({ system: 'here', name: 'api-events' });
    expect(started.status).toBe('starting');
    await waitFor(() => events.some((e) => e.event === 'server' && e.data.name === 'api-events' && e.data.status === 'running'), 30_000);
    expect(events.some((e) => e.event === 'progress' && e.data.name === 'api-events')).toBe(true);
    await unsubscribe();

    // A late subscriber learns of the running server from the snapshot alone.
    const late: HubEvent[] = [];
    const unsubscribeLate = await client.subscribe((event) => late.push(event));
    await waitFor(() => late.length > 0, 5000);
    expect(late[0]).toMatchObject({ event: 'server', data: { name: 'api-events', status: 'running' } });
    await unsubscribeLate();

    const stopped = await client.stop({ name: 'api-events', now: true });
    expect(['stopped', 'stopping']).toContain(stopped.status);
  });

  it('tells subscribers when the server shuts down', async () => {
    const other = await startApiServer(hub, { token });
    const otherClient = createHubClient(other.url, token);
    let closed = '';
    await otherClient.subscribe(() => undefined, { onClose: (reason) => (closed = reason) });
    await other.close();
    await waitFor(() => closed !== '', 5000);
    expect(closed).toBe('hubtray is shutting down');
    await otherClient.close();
  });
});

describe('typed client', () => {
  it('validates arguments before sending them', async () => {
    await expect(client.stop({ name: '../etc' })).rejects.toMatchObject({ name: 'HubError', code: 'bad-request', message: expect.stringMatching(/^stop: name: /) });
  });

  it('turns error replies back into HubErrors', async () => {
    await expect(client.logs({ name: 'nobody' })).rejects.toMatchObject({ name: 'HubError', code: 'not-found' });
  });

  it('reports a wrong token and an unreachable hub as HubErrors', async () => {
    const wrong = createHubClient(api.url, 'wrong');
    await expect(wrong.listServers({})).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(wrong.subscribe(() => undefined)).rejects.toMatchObject({ code: 'unauthorized' });
    await wrong.close();
    const gone = createHubClient('http://127.0.0.1:1', token);
    await expect(gone.listServers({})).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('does not answer') });
    await gone.close();
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('launch links', () => {
  it('open a running server in a browser once, without the token in the link', async () => {
    await client.start({ system: 'here', name: 'launch' });
    for (let i = 0; i < 200 && (await client.listServers({})).find((s) => s.name === 'launch')?.status !== 'running'; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const { url } = await client.open({ name: 'launch' });
    const link = await client.launchLink('launch');
    expect(link.startsWith(`${api.url}/launch/`)).toBe(true);
    expect(link).not.toContain(new URL(url).searchParams.get('token'));
    const path = new URL(link).pathname;
    // No API token needed: the single-use nonce is the credential.
    const first = await send(path, { method: 'GET', headers: {} });
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe(url);
    expect(first.headers['cache-control']).toBe('no-store');
    const again = await send(path, { method: 'GET', headers: {} });
    expect(again.status).toBe(404);
    expect(errorOf(again).message).toMatch(/already used or has expired/);
    await expect(client.launchLink('no-such')).rejects.toThrow(/no server named "no-such"/);
    expect((await send('/api/launch/launch', { headers: {} })).status).toBe(401);
    await client.stop({ name: 'launch' });
  });
});
