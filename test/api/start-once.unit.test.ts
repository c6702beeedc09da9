// A hub that has taken many starts since a request id was used: its memory of ids stays bounded, newest kept.
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { ServerInfo } from '../../shared/api.js';
import { RecentStarts } from '../../electron/core/hub/recent-starts.js';

it('a hub that has taken hundreds of starts keeps the last 256 request ids, not every one', async () => {
  const hub = new RecentStarts();
  const ids = Array.from({ length: 300 }, () => randomUUID());
  let started = 0;
  const start = () => Promise.resolve({ name: `s${++started}` } as ServerInfo);
  for (const id of ids) await hub.once(id, start);
  expect(started).toBe(300);
  for (const id of ids.slice(-256)) await hub.once(id, start);
  expect(started).toBe(300);
  await hub.once(ids[0]!, start);
  expect(started).toBe(301);
  // Another hub in the same process does not know this one's ids.
  await new RecentStarts().once(ids.at(-1)!, start);
  expect(started).toBe(302);
});
