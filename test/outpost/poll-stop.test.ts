// Conformance, poll and stop (reference §1, OutpostSpawner's _poll and _stop): status null means running and an
// integer is the exit code; a 404 means stopped unless request_404_poll_keep_running; any other failure keeps the
// server unless request_failed_poll_keep_running is off, and even then an Outpost that never answers only makes it
// lost (cannot tell), never stopped; custom_poll_interval; pre_poll_hook's True/False/int/None;
// stop is a DELETE (asynchronous with stop_async, with the logs when collect_logs), and a 404 there is a success.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, outpostRig, type OutpostRig } from './helpers.js';

declare global {
  var hubtrayPrePoll: unknown;
  var hubtrayPreStops: string[];
}

let rig: OutpostRig;
const hooks = `
export function prePoll(spawner) { return globalThis.hubtrayPrePoll; }
export async function preStop(spawner) { globalThis.hubtrayPreStops.push(spawner.name + '/' + spawner.start_id); }
`;

beforeAll(async () => {
  globalThis.hubtrayPreStops = [];
  rig = await outpostRig(
    {
      plain: {},
      keep404: { request_404_poll_keep_running: true },
      strict: { request_failed_poll_keep_running: false },
      logs: { collect_logs: true },
      custom: { poll_interval: 30, custom_poll_interval: 1500, stop_async: true },
      hooked: { pre_poll_hook: { hook: 'prePoll' }, pre_stop_hook: { hook: 'preStop' } },
    },
    { hooks, logs: ['lab log line 1', 'lab log line 2'] },
  );
});

afterAll(() => rig?.close());
afterEach(() => {
  rig.outpost.setDown(false);
  rig.outpost.setUnreachable(false);
});

async function running(system: string, name: string) {
  await rig.h.hub.start({ system, name });
  const server = await rig.h.waitFor(name, ['running', 'failed']);
  expect(server.reason).toBeNull();
  const row = rig.outpost.rows().find((r) => r.name === name);
  return `/services/${name}/${row?.start_id as string}`;
}

describe('poll', () => {
  it('keeps a server while the Outpost says null, and ends it with the exit code once it says an integer', async () => {
    const path = await running('plain', 'p1');
    const polls = () => rig.sent('GET', path).length;
    const before = polls();
    await eventually(() => polls() >= before + 2, 'two more polls');
    expect((await rig.h.hub.listServers()).find((s) => s.name === 'p1')?.status).toBe('running');
    await rig.outpost.killLab('p1');
    const stopped = await rig.h.waitFor('p1', ['stopped']);
    expect(stopped.exitStatus).toBe(137);
    expect(stopped.reason).toContain('the Outpost reports exit code 137');
    // Cleaning up stops the service at the Outpost.
    expect(rig.sent('DELETE', path)).toHaveLength(1);
    expect(rig.outpost.rows()).toEqual([]);
  });

  it('ends a server the Outpost no longer knows (404); a stop of it (404 again) is a success', async () => {
    const path = await running('plain', 'p2');
    // As the Outpost's end_date cleanup does: the lab ends with its row (a lab still answering would make it lost).
    const killed = rig.outpost.killLab('p2');
    rig.outpost.forget('p2');
    await killed;
    const stopped = await rig.h.waitFor('p2', ['stopped']);
    expect(stopped.reason).toContain('the Outpost no longer knows it (404)');
    expect(rig.sent('DELETE', path)).toHaveLength(1);
  });

  it('keeps it with request_404_poll_keep_running, and the user’s stop then succeeds on a 404', async () => {
    const path = await running('keep404', 'p3');
    const row = rig.outpost.forget('p3');
    const polls = () => rig.sent('GET', path).length;
    const before = polls();
    await eventually(() => polls() >= before + 2, 'two polls answered 404');
    expect((await rig.h.hub.listServers()).find((s) => s.name === 'p3')?.status).toBe('running');
    const stopped = await rig.h.hub.stop({ name: 'p3' });
    expect(stopped.status).toBe('stopped');
    expect(stopped.reason).toBe('stopped by the user');
    expect(rig.sent('DELETE', path)).toHaveLength(1);
    expect(row).toBeDefined();
    await rig.outpost.killLab('p3');
  });

  it('keeps a server while the Outpost fails to answer (request_failed_poll_keep_running)', async () => {
    const path = await running('plain', 'p4');
    rig.outpost.setDown(true);
    const before = rig.sent('GET', path).length;
    await eventually(() => rig.sent('GET', path).length >= before + 2, 'two failed polls');
    expect((await rig.h.hub.listServers()).find((s) => s.name === 'p4')?.status).toBe('running');
    rig.outpost.setDown(false);
    await rig.h.hub.stop({ name: 'p4' });
  });

  it('ends it at the first failed poll when request_failed_poll_keep_running is off', async () => {
    await running('strict', 'p5');
    rig.outpost.setDown(true);
    // A lab that still answered would contradict the failed poll and make the server lost (server-check.ts).
    await rig.outpost.killLab('p5');
    const stopped = await rig.h.waitFor('p5', ['stopped']);
    expect(stopped.reason).toContain('the poll failed: poll request to');
    expect(stopped.reason).toContain('failed: 503');
    rig.outpost.setDown(false);
    // Its cleanup could not reach the Outpost (and OutpostSpawner does not retry a stop): its row is still there.
    expect(rig.outpost.rows().map((r) => r.name)).toEqual(['p5']);
    rig.outpost.forget('p5');
  });

  it('an Outpost that cannot be reached: with request_failed_poll_keep_running off, the server is lost, not stopped', async () => {
    const path = await running('strict', 'p8');
    rig.outpost.setUnreachable(true);
    const lost = await rig.h.waitFor('p8', ['lost', 'stopped']);
    expect(lost.status).toBe('lost');
    expect(lost.reason).toContain(`hubtray cannot check it: poll request to ${rig.outpost.requestUrl.replace('/services', '')}${path} failed`);
    // Nothing was cleaned up: the lab runs on, and once the Outpost answers again the server is running again.
    expect(rig.outpost.rows().map((r) => r.name)).toContain('p8');
    rig.outpost.setUnreachable(false);
    expect((await rig.h.hub.recheck({ name: 'p8' })).status).toBe('running');
    await rig.h.hub.stop({ name: 'p8' });
    expect(rig.outpost.rows().some((r) => r.name === 'p8')).toBe(false);
  });

  it('polls every custom_poll_interval milliseconds', async () => {
    const path = await running('custom', 'p6');
    const times = () => rig.outpost.requests.filter((r) => r.method === 'GET' && r.path === path).length;
    const start = Date.now();
    const before = times();
    await eventually(() => times() >= before + 2, 'two polls at 1.5 s', 10_000);
    // poll_interval says 30 s; custom_poll_interval's 1500 ms (±10% jitter) wins.
    expect(Date.now() - start).toBeLessThan(6000);
    // stop_async: the DELETE says so, the Outpost answers 202 and stops the lab in the background.
    await rig.h.hub.stop({ name: 'p6' });
    expect(rig.sent('DELETE', path)[0]?.headers['execution-type']).toBe('async');
    await eventually(() => !rig.outpost.rows().some((r) => r.name === 'p6'), 'the asynchronous stop');
  });
});

describe('pre_poll_hook', () => {
  it('True asks the Outpost; False and None keep the server without asking; an integer is the exit code', async () => {
    globalThis.hubtrayPrePoll = true;
    const path = await running('hooked', 'p7');
    // Status polls only: fetching the logs for the end's reason asks with ?collect_logs=true.
    const polls = () => rig.outpost.requests.filter((r) => r.method === 'GET' && r.path === path).length;
    await eventually(() => polls() >= 1, 'a poll after True');

    for (const answer of [false, null]) {
      globalThis.hubtrayPrePoll = answer;
      await new Promise((r) => setTimeout(r, 1200));
      const before = polls();
      await new Promise((r) => setTimeout(r, 2500));
      expect(polls()).toBe(before);
      expect((await rig.h.hub.listServers()).find((s) => s.name === 'p7')?.status).toBe('running');
    }

    // The hook reports the exit of a lab that has exited: one still answering would make the server lost.
    await rig.outpost.killLab('p7');
    globalThis.hubtrayPrePoll = 5;
    const before = polls();
    const stopped = await rig.h.waitFor('p7', ['stopped']);
    expect(stopped.exitStatus).toBe(5);
    expect(stopped.reason).toContain('pre_poll_hook says it exited with 5');
    expect(polls()).toBe(before);
    // The cleanup's stop ran pre_stop_hook, then the DELETE.
    expect(globalThis.hubtrayPreStops).toEqual([`p7/${path.split('/').at(-1) as string}`]);
    expect(rig.sent('DELETE', path)).toHaveLength(1);
  });
});

describe('stop', () => {
  it('sends DELETE with collect_logs, and keeps the logs the Outpost returns', async () => {
    const path = await running('logs', 's1');
    const stopped = await rig.h.hub.stop({ name: 's1' });
    expect(stopped.status).toBe('stopped');
    const [del] = rig.sent('DELETE', path);
    expect(del?.path).toBe(`${path}?collect_logs=true`);
    expect(del?.headers['execution-type']).toBeUndefined();
    expect((await rig.h.hub.logs({ name: 's1' })).text).toBe('lab log line 1\nlab log line 2');
    expect(rig.outpost.rows()).toEqual([]);
  });
});
