// An Outpost that answers with megabytes: its 419 quotes whatever failed (a KubeSpawner's ApiException carries the
// whole API answer), unbounded, just under hubtray's 4 MB body cap, and so does the failed event of an asynchronous
// start, just under the personal hub's 256 KiB; an answer cut short is no JSON at all. What reaches the server's reason and events (every face shows them),
// state.json and hub.log stays a few KB, and says what was wrong.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS } from '../../shared/text.js';
import { outpostRig, type OutpostRig } from './helpers.js';

const HUGE = 1_800_000;
let rig: OutpostRig;
let inEvent: OutpostRig;
let cut: OutpostRig;

/** A KubeSpawner's refusal, quoting an API answer of `size` characters. */
const apiException = (size: number) => ({
  module: 'kubernetes.client.exceptions',
  class: 'ApiException',
  message: `(422)\nReason: Unprocessable Entity\nHTTP response body: ${'x'.repeat(size)}`,
});

beforeAll(async () => {
  [rig, inEvent, cut] = await Promise.all([
    outpostRig({ k8s: {} }, { spawnerRaises: apiException(HUGE) }),
    outpostRig({ k8s: { start_async: true } }, { spawnerRaises: apiException(200_000) }),
    outpostRig({ plain: {} }),
  ]);
});

afterAll(() => Promise.all([rig?.close(), inEvent?.close(), cut?.close()]));

/** The bytes of every file hubtray wrote in its home. */
function homeBytes(home: string): number {
  return readdirSync(home, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}

it('an Outpost that answers with megabytes: a 419 of 3.6 MB and a failed event of 200 KB become bounded reasons, events, state and log', async () => {
  await rig.h.hub.start({ system: 'k8s', name: 'big1' });
  const failed = await rig.h.waitFor('big1', ['failed', 'running']);
  expect(failed.reason).toMatch(/^kubernetes\.client\.exceptionsApiException: \(422\)\nReason: Unprocessable Entity/);
  expect(failed.reason).toMatch(/… \(\d+ more characters left out\)/);
  expect(failed.reason?.length).toBeLessThan(MAX_MESSAGE_CHARS + 1000);

  await inEvent.h.hub.start({ system: 'k8s', name: 'big2' });
  const failedEvent = await inEvent.h.waitFor('big2', ['failed', 'running']);
  expect(failedEvent.events.find((e) => e.failed && e.html_message)?.html_message).toMatch(/could not start service: \(422\)[\s\S]*… \(\d+ more characters left out\)$/);
  for (const server of [failed, failedEvent]) expect(JSON.stringify(server).length).toBeLessThan(6 * MAX_MESSAGE_CHARS);
  await rig.h.hub.close();
  // state.json, hub.log and the rest: the reason is in them, a few times, and none of the megabytes.
  expect(homeBytes(rig.h.home)).toBeLessThan(100_000);
});

it('an Outpost that answers with megabytes: an answer cut short says what is wrong with it, and how it began', async () => {
  cut.outpost.garbleNextStartAnswer(`{"service": "127.0.0.1:${'9'.repeat(HUGE)}`);
  await cut.h.hub.start({ system: 'plain', name: 'cut1' });
  const failed = await cut.h.waitFor('cut1', ['failed', 'running']);
  expect(failed.reason).toMatch(/^the Outpost answered the start request to http:\/\/127\.0\.0\.1:\d+\/services with something that is not JSON \((Unterminated string|Unexpected end)[^)]*\): "\{\\"service\\": \\"127\.0\.0\.1:9+… \(\d+ more characters left out\)"/);
  expect(failed.reason?.length).toBeLessThan(1000);
  // The lab it did start is stopped at the Outpost.
  expect(cut.outpost.rows()).toEqual([]);
});
