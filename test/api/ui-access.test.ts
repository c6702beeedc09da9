// The local API's access across hubs of one HUBTRAY_HOME, with a real Hub and the real (test) keychain: the token
// and port outlive a hub (the CLI's entry does not), `forgetUiAccess` (serve --new-token) replaces the token and keeps
// the port, and a port that something else took is given up for a free one.
import { createServer, type Server } from 'node:net';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forgetUiAccess, publishApi } from '../../electron/core/api-server/publish.js';
import { apiTokenKey, uiAccessKey } from '../../electron/core/boundary/registration.js';
import { Hub } from '../../electron/core/hub/hub.js';
import { Keychain } from '../../electron/core/secrets/keychain.js';
import { makeHome } from '../fixtures/hubtray-process.js';

const home = makeHome({});
const secrets = new Keychain();
let hub: Hub;

beforeAll(async () => {
  hub = await Hub.open({ home });
});

afterAll(async () => {
  await hub?.close();
  await secrets.delete(uiAccessKey(home)).catch(() => undefined);
  rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});

const publish = () => publishApi(hub, { home, secrets, version: 'test' });
const tokenOf = (uiUrl: string) => decodeURIComponent(new URL(uiUrl).hash.replace('#token=', ''));

async function status(url: string, token: string): Promise<number> {
  const response = await fetch(new URL('/api/call/listServers', url), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  await response.body?.cancel();
  return response.status;
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

it('keeps the token and port from one hub to the next; the CLI’s entry holds the token only while a hub runs', async () => {
  const first = await publish();
  const token = tokenOf(first.uiUrl);
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(await secrets.get(apiTokenKey(home))).toBe(token);
  expect(await status(first.url, token)).toBe(200);
  expect(await status(first.url, `${token}x`)).toBe(401);
  await first.close();
  expect(await secrets.get(apiTokenKey(home))).toBeNull();
  expect(JSON.parse((await secrets.get(uiAccessKey(home)))!)).toEqual({ token, port: first.port });

  const second = await publish();
  try {
    expect(second.uiUrl).toBe(first.uiUrl);
    expect(await secrets.get(apiTokenKey(home))).toBe(token);
    expect(await status(second.url, token)).toBe(200);
  } finally {
    await second.close();
  }
});

it('moves to a free port when something else took the last one, with the same token', async () => {
  const before = JSON.parse((await secrets.get(uiAccessKey(home)))!) as { token: string; port: number };
  const squatter = await occupy(before.port);
  try {
    const api = await publish();
    try {
      expect(api.port).not.toBe(before.port);
      expect(tokenOf(api.uiUrl)).toBe(before.token);
    } finally {
      await api.close();
    }
  } finally {
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
  }
});

it('forgetUiAccess (serve --new-token) makes the next hub use a new UI token at the same port, and refuse the old one', async () => {
  const before = await publish();
  const oldToken = tokenOf(before.uiUrl);
  await before.close();
  await forgetUiAccess(secrets, home);
  expect(JSON.parse((await secrets.get(uiAccessKey(home)))!)).toEqual({ port: before.port });
  const after = await publish();
  try {
    expect(after.port).toBe(before.port);
    expect(tokenOf(after.uiUrl)).not.toBe(oldToken);
    expect(await status(after.url, oldToken)).toBe(401);
    expect(await status(after.url, tokenOf(after.uiUrl))).toBe(200);
  } finally {
    await after.close();
  }
});

it('treats an unreadable entry as none: a new token, on a random port', async () => {
  await secrets.set(uiAccessKey(home), 'not json');
  const api = await publish();
  try {
    expect(tokenOf(api.uiUrl)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.parse((await secrets.get(uiAccessKey(home)))!)).toEqual({ token: tokenOf(api.uiUrl), port: api.port });
  } finally {
    await api.close();
  }
});
