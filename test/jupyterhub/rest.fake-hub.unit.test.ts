// What a real JupyterHub will not do on demand: answer 429 with Retry-After, fail with 503 a few times, or cut its
// progress stream mid-launch. A fake hub (a plain HTTP server, named as such) stands in for those answers.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { followProgress } from '../../electron/core/kinds/jupyterhub/progress.js';
import { HubRest } from '../../electron/core/kinds/jupyterhub/rest.js';
import { HubToken } from '../../electron/core/kinds/jupyterhub/token.js';
import { parseRetryAfter } from '../../electron/core/net/retry.js';

let server: http.Server | undefined;

afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function fakeHub(handler: http.RequestListener): Promise<string> {
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hub/api/`;
}

// The token's keychain entry is never read: the fake hub refuses no token.
const token = await HubToken.store({ get: async () => null, set: async () => undefined, delete: async () => false }, 'jupyterhub-token/fake', 'fake-token');
const rest = (base: string, retries = 4) => new HubRest({ apiBase: async () => base, token, retries, retryDelay: 0.05 });

it('honours Retry-After on 429, then succeeds', async () => {
  const times: number[] = [];
  const base = await fakeHub((_req, res) => {
    times.push(Date.now());
    if (times.length === 1) res.writeHead(429, { 'retry-after': '1' }).end('{"status": 429, "message": "slow down"}');
    else res.writeHead(200).end('{"name": "alice"}');
  });
  expect((await rest(base).call('user', { what: 'read' })).json).toEqual({ name: 'alice' });
  expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
});

it('retries 5xx with a doubling delay and gives up after `retries` attempts, quoting the hub', async () => {
  const times: number[] = [];
  const base = await fakeHub((_req, res) => {
    times.push(Date.now());
    res.writeHead(503).end('<html><body>Service Unavailable: proxy says no</body></html>');
  });
  await expect(rest(base, 3).call('user', { what: 'read' })).rejects.toThrow(/the hub answered 503 to read: Service Unavailable: proxy says no \(gave up after 3 attempts\)/);
  expect(times).toHaveLength(3);
  expect(times[2]! - times[1]!).toBeGreaterThan(times[1]! - times[0]!);
});

it('does not retry a refusal', async () => {
  let calls = 0;
  const base = await fakeHub((_req, res) => {
    calls++;
    res.writeHead(400).end('{"status": 400, "message": "Named servers are not enabled."}');
  });
  await expect(rest(base).call('x', { what: 'start' })).rejects.toThrow('the hub answered 400 to start: Named servers are not enabled.');
  expect(calls).toBe(1);
});

it('resumes a progress stream cut mid-launch, skipping the events the hub replays', async () => {
  let opened = 0;
  const base = await fakeHub((_req, res) => {
    opened++;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"progress": 0, "message": "Server requested"}\n\n');
    // Split across writes, as a network may deliver it.
    res.write('data: {"progress": 50, "mess');
    res.write('age": "Spawning server..."}\n\n');
    if (opened === 1) return res.destroy();
    res.end('data: {"progress": 100, "ready": true, "message": "Server ready", "url": "/user/alice/"}\n\n');
  });
  const events = [];
  for await (const event of followProgress(rest(base), 'users/alice/server/progress', 'test', async () => null)) events.push(event);
  expect(opened).toBe(2);
  expect(events.map((e) => e.message)).toEqual(['Server requested', 'Spawning server...', 'Server ready']);
  expect(events.at(-1)).toMatchObject({ ready: true, url: '/user/alice/' });
});

it('reads Retry-After as seconds or as an HTTP date', () => {
  expect(parseRetryAfter('7')).toBe(7000);
  expect(parseRetryAfter(new Date(Date.now() + 3000).toUTCString(), Date.now())).toBeGreaterThan(1000);
  expect(parseRetryAfter('soon')).toBeUndefined();
});
