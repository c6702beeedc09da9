// A server (or a peer) that answers with megabytes: what reaches state.json, hub.log and the faces is bounded, and the
// full text is there on request (`hubtray logs NAME --events`). Real parts: a server process that writes one 60 KB
// line and exits during its start, on this computer.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS } from '../../shared/text.js';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';

const LINE = 60_000;
let h: HubHarness;

beforeAll(async () => {
  h = await openHub(
    makeHome({ systems: { loud: { kind: 'local', cmd: ['/bin/sh', '-c', `head -c ${LINE} /dev/zero | tr '\\000' x; echo; exit 3`, 'loud'] } } }),
  );
});

afterAll(async () => {
  await h?.close();
  if (h) removeHome(h.home);
});

it('a server that fails with a 60 KB line: a few KB reach the state, the log and the faces; the whole line is there on request', async () => {
  await h.hub.start({ system: 'loud', name: 'loud' });
  const failed = await h.waitFor('loud', ['failed', 'running']);
  expect(failed.status).toBe('failed');
  const limit = MAX_MESSAGE_CHARS + 100;
  expect(failed.reason?.length).toBeLessThanOrEqual(limit);
  expect(failed.reason).toMatch(/more characters left out\)$/);
  for (const event of failed.events) expect(event.message.length).toBeLessThanOrEqual(limit);
  await h.hub.close().catch(() => undefined);

  const saved = JSON.parse(readFileSync(join(h.home, 'state.json'), 'utf8')).servers.loud.reason as string;
  expect(saved.length).toBeLessThanOrEqual(limit);
  const log = readFileSync(join(h.home, 'logs', 'hub.log'), 'utf8');
  for (const line of log.split('\n')) expect(line.length).toBeLessThanOrEqual(limit + 200);

  h = await openHub(h.home);
  // The full text lived in the hub that was closed; the next test asks a running one.
});

it('logs --events gives the full text while the hub that saw it runs', async () => {
  await h.hub.start({ system: 'loud', name: 'again' });
  await h.waitFor('again', ['failed', 'running']);
  const { text } = await h.hub.logs({ name: 'again', events: true });
  expect(text).toContain('x'.repeat(LINE));
});
