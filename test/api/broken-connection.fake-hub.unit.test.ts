// What a real hub does only on a loaded machine, and not on demand: close or reset a kept-alive connection just as
// the CLI sends a call on it. A fake hub (a plain HTTP server, named as such) cuts the connections it is told to.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerInfo } from '../../shared/api.js';
import { keepAliveMs } from '../../shared/http.js';
import { createHubClient, type HubClient } from '../../electron/core/api-client/client.js';

interface Seen {
  method: string;
  connection: number;
  /** Whether the connection carried a call before: a kept-alive one. */
  reused: boolean;
  body: Record<string, unknown>;
}

type Cut = 'close' | 'reset';

let server: http.Server | undefined;
let client: HubClient | undefined;
/** The fake hub's connections that have closed, in order. */
let closed: number[] = [];

afterEach(async () => {
  await client?.close();
  await new Promise<void>((resolve) => {
    if (!server) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
  server = client = undefined;
});

const starting: ServerInfo = {
  name: 'here-1',
  system: 'here',
  kind: 'local',
  status: 'starting',
  url: null,
  progress: 0,
  userOptions: {},
  createdAt: '2025-01-01T00:00:00.000Z',
  readyAt: null,
  stoppedAt: null,
  exitStatus: null,
  reason: null,
  tunnel: { state: 'none' },
  events: [],
};

const answers: Record<string, unknown> = { listServers: [], forget: { ok: true }, start: starting };

/** Answers calls as a hub would, but cuts the connection under the calls `cut` picks. */
async function fakeHub(cut: (call: Seen, turn: number) => Cut | null): Promise<Seen[]> {
  const seen: Seen[] = [];
  const connections = new WeakMap<Socket, number>();
  let opened = 0;
  closed = [];
  server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const method = req.url?.replace('/api/call/', '') ?? '';
      const connection = connections.get(req.socket) ?? 0;
      const call = { method, connection, reused: seen.some((s) => s.connection === connection), body: JSON.parse(text) as Record<string, unknown> };
      seen.push(call);
      const how = cut(call, seen.length);
      if (how === 'close') req.socket.destroy();
      else if (how === 'reset') req.socket.resetAndDestroy();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answers[method]));
    });
  });
  server.keepAliveTimeout = keepAliveMs.server;
  server.on('connection', (socket: Socket) => {
    const connection = ++opened;
    connections.set(socket, connection);
    socket.on('close', () => closed.push(connection));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  client = createHubClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'fake-token');
  return seen;
}

const requestId = '0f8e1c52-9d7a-4b1e-8a39-2f6c0d4b7e15';

describe.each([
  ['closes', 'close', 'socket hang up'],
  ['resets', 'reset', 'read ECONNRESET'],
] as const)('a loaded machine where the hub %s a kept-alive connection just as the CLI reuses it', (_, how, error) => {
  it('a read is sent once more, on a new connection, and answers', async () => {
    let cuts = 0;
    const seen = await fakeHub((call) => (call.reused && cuts++ === 0 ? how : null));
    // The client's pool spreads calls in a row over a connection or two; by the third, one is reused.
    for (let i = 0; i < 3; i++) expect(await client!.listServers({})).toEqual([]);
    const cut = seen.findIndex((s) => s.reused);
    expect(cut).toBeGreaterThan(0);
    expect(seen).toHaveLength(4);
    const retry = seen[cut + 1]!;
    expect(retry.method).toBe('listServers');
    expect(seen.slice(0, cut + 1).map((s) => s.connection)).not.toContain(retry.connection);
  });

  it('a start with a request id is sent once more with the same id, and answers', async () => {
    const seen = await fakeHub((_, turn) => (turn === 1 ? how : null));
    expect(await client!.start({ system: 'here', requestId })).toEqual(starting);
    expect(seen.map((s) => [s.method, s.body.requestId])).toEqual([['start', requestId], ['start', requestId]]);
  });

  it('a start without a request id is not sent again: the hub may have started it', async () => {
    const seen = await fakeHub((_, turn) => (turn === 1 ? how : null));
    await expect(client!.start({ system: 'here' })).rejects.toThrow(`does not answer: ${error}`);
    expect(seen).toHaveLength(1);
  });

  it('a call whose repeat would fail after it worked (forget) is not sent again', async () => {
    const seen = await fakeHub((_, turn) => (turn === 1 ? how : null));
    await expect(client!.forget({ name: 'here-1' })).rejects.toMatchObject({ code: 'unavailable' });
    expect(seen).toHaveLength(1);
  });

  it('a hub that cuts every connection gets a read twice, not without end', async () => {
    const seen = await fakeHub(() => how);
    await expect(client!.listServers({})).rejects.toThrow(`does not answer: ${error}`);
    expect(seen).toHaveLength(2);
  });
});

it('an idle CLI lets go of its connection long before the hub would close it, so that the two rarely cross', async () => {
  const seen = await fakeHub(() => null);
  await client!.listServers({});
  // Half the hub's keep-alive: whatever closes the connection by then is the client.
  const deadline = Date.now() + keepAliveMs.server / 2;
  while (closed.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(closed).toEqual([seen[0]!.connection]);
});
