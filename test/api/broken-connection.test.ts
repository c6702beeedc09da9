// The hub's side of a CLI whose connection breaks under load: a real Hub (Debian's Jupyter server as its local
// system) behind a real local API. It keeps idle connections longer than the client does, and a start sent again
// with its request id (its reply was lost) gives the first start's outcome, not a second server.
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiPaths, keepAliveMs } from '../../shared/http.js';
import { createHubClient, type HubClient } from '../../electron/core/api-client/client.js';
import { startApiServer, type ApiServer } from '../../electron/core/api-server/server.js';
import { localJupyter, makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';

const token = 'test-token-for-the-local-api-0123456789';
const home = makeHome({ systems: { here: localJupyter } });
let harness: HubHarness;
let api: ApiServer;
let client: HubClient;

beforeAll(async () => {
  harness = await openHub(home);
  api = await startApiServer(harness.hub, { token });
  client = createHubClient(api.url, token);
});

afterAll(async () => {
  await client?.close();
  await api?.close();
  await harness?.close();
  removeHome(home);
});

it('a loaded machine: the hub tells clients it keeps an idle connection longer than they keep one', async () => {
  const reply = await request(new URL(apiPaths.ping, api.url));
  await reply.body.text();
  expect(reply.headers['keep-alive']).toBe(`timeout=${keepAliveMs.server / 1000}`);
});

describe('a start sent again with its request id', () => {
  it('a CLI whose start reply was lost gets the first start back, and one server runs', async () => {
    const requestId = randomUUID();
    // The first as a lost reply and its retry overlapping, then a retry after the first has answered.
    const [first, overlapping] = await Promise.all([client.start({ system: 'here', requestId }), client.start({ system: 'here', requestId })]);
    const later = await client.start({ system: 'here', requestId });
    expect(overlapping).toEqual(first);
    expect(later).toEqual(first);
    expect((await client.listServers({})).map((s) => s.name)).toEqual([first.name]);
    // Not refused as "already starting", nor started again once it runs.
    await harness.waitFor(first.name, ['running']);
    expect(await client.start({ system: 'here', requestId })).toEqual(first);
    expect(await client.listServers({})).toHaveLength(1);
  });

  it('a start that failed fails the same way when sent again, without being tried again', async () => {
    const requestId = randomUUID();
    const args = { system: 'here', options: { no_such_field: 1 }, requestId };
    const failed = await harness.hub.start(args).catch((error: unknown) => error);
    expect(failed).toMatchObject({ code: 'bad-request' });
    // The very same rejection, not a new one that happens to read alike.
    expect(await harness.hub.start(args).catch((error: unknown) => error)).toBe(failed);
  });

  it('another request id is another start', async () => {
    const before = (await client.listServers({})).length;
    const other = await client.start({ system: 'here', requestId: randomUUID() });
    expect((await client.listServers({})).map((s) => s.name)).toContain(other.name);
    expect(await client.listServers({})).toHaveLength(before + 1);
  });

  it('a request id that is not short plain text is refused before it reaches the Hub', async () => {
    for (const requestId of ['short', 'x'.repeat(65), 'with spaces and ünïcode-0123456789', '../../../etc/passwd-0123']) {
      await expect(client.start({ system: 'here', requestId })).rejects.toMatchObject({ code: 'bad-request', message: expect.stringContaining('requestId') });
    }
  });
});
