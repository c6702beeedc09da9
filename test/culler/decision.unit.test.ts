// The idle culler's rule as a table: what the server said, the clock and the settings in; keep, warn or cull out.
import { describe, expect, it } from 'vitest';
import { decideCull, userActivityFromHub, type CullFacts, type CullPolicy } from '../../electron/core/culler/cull-decision.js';
import { OWN_TRAFFIC_MARGIN_MS, OwnTraffic } from '../../electron/core/culler/own-traffic.js';
import { ReportedActivity } from '../../electron/core/singleuser-api/activity-report.js';

const t0 = Date.parse('2026-12-02T10:00:00Z');
const at = (minutes: number) => new Date(t0 + minutes * 60_000);
const policy: CullPolicy = { idleTimeoutSeconds: 3600, maxAgeSeconds: 0, cullBusy: false, warningSeconds: 300 };
const facts = (now: number, extra: Partial<CullFacts> = {}): CullFacts => ({
  now: at(now),
  startedAt: at(0),
  lastActivity: at(0),
  busyKernels: 0,
  connections: 0,
  keptAt: null,
  ...extra,
});

describe('decideCull', () => {
  const rows: { case: string; policy?: Partial<CullPolicy>; facts: CullFacts; verdict: ReturnType<typeof decideCull> }[] = [
    { case: 'recently active: kept, looked at again when the warning would be due', facts: facts(30, { lastActivity: at(20) }), verdict: { action: 'keep', lookAgainAt: at(75) } },
    { case: 'idle 55 of 60 min: warned, stops at 60', facts: facts(55), verdict: { action: 'warn', stopsAt: at(60), why: 'has been idle for 55 min' } },
    { case: 'idle 60 min: culled, saying why', facts: facts(60), verdict: { action: 'cull', why: 'stopped after 60 min idle (cull_idle_timeout)' } },
    { case: 'no last_activity: idle since it became ready', facts: facts(61, { lastActivity: null }), verdict: { action: 'cull', why: 'stopped after 60 min idle (cull_idle_timeout)' } },
    { case: 'a busy kernel is activity now', facts: facts(120, { busyKernels: 1 }), verdict: { action: 'keep', lookAgainAt: at(175) } },
    { case: 'a busy kernel counts as idle with cull_busy', policy: { cullBusy: true }, facts: facts(120, { busyKernels: 1 }), verdict: { action: 'cull', why: 'stopped after 60 min idle (cull_idle_timeout)' } },
    { case: 'an open connection is activity now, even with cull_busy', policy: { cullBusy: true }, facts: facts(120, { connections: 1 }), verdict: { action: 'keep', lookAgainAt: at(175) } },
    { case: '"Keep running" starts the clock again', facts: facts(70, { keptAt: at(58) }), verdict: { action: 'keep', lookAgainAt: at(113) } },
    { case: '… for one period only', facts: facts(118, { keptAt: at(58) }), verdict: { action: 'cull', why: 'stopped after 60 min idle (cull_idle_timeout)' } },
    { case: 'cull_max_age stops a busy server', policy: { maxAgeSeconds: 7200 }, facts: facts(120, { busyKernels: 2, lastActivity: at(119) }), verdict: { action: 'cull', why: 'stopped after running for 120 min (cull_max_age)' } },
    { case: 'cull_max_age warns ahead', policy: { maxAgeSeconds: 7200 }, facts: facts(116, { busyKernels: 2 }), verdict: { action: 'warn', stopsAt: at(120), why: 'has been running for 116 min' } },
    { case: 'cull_max_age alone, with no idle timeout', policy: { idleTimeoutSeconds: 0, maxAgeSeconds: 600 }, facts: facts(10), verdict: { action: 'cull', why: 'stopped after running for 10 min (cull_max_age)' } },
    { case: '"Keep running" near cull_max_age grants one warning period', policy: { maxAgeSeconds: 7200 }, facts: facts(121, { busyKernels: 1, keptAt: at(119) }), verdict: { action: 'warn', stopsAt: at(124), why: 'has been running for 121 min' } },
    { case: 'nothing set: kept', policy: { idleTimeoutSeconds: 0 }, facts: facts(1000), verdict: { action: 'keep' } },
    { case: 'seconds under two minutes read as seconds', policy: { idleTimeoutSeconds: 20, warningSeconds: 10 }, facts: facts(1), verdict: { action: 'cull', why: 'stopped after 20 s idle (cull_idle_timeout)' } },
  ];
  it.each(rows)('$case', (row) => {
    expect(decideCull({ ...policy, ...row.policy }, row.facts)).toEqual(row.verdict);
  });
});

describe("the hub's last_activity as the user's", () => {
  const ms = (d: Date, plus: number) => new Date(d.getTime() + plus);
  // hubtray's own requests: a check at minute 10 (80 ms long) and a burst of polls from minute 20 to 21.
  const own = new OwnTraffic();
  own.remember(at(10).getTime(), at(10).getTime() + 80);
  for (let s = 0; s <= 60; s += 3) own.remember(at(20).getTime() + s * 1000, at(20).getTime() + s * 1000 + 50);
  it.each([
    { case: 'none recorded', hub: null, out: null },
    { case: "the hub's clock behind by up to the margin: that request", hub: ms(at(10), -OWN_TRAFFIC_MARGIN_MS), out: null },
    { case: 'ahead by up to the margin: that request', hub: ms(at(10), 80 + OWN_TRAFFIC_MARGIN_MS), out: null },
    { case: "just past the margin: the user's", hub: ms(at(10), 81 + OWN_TRAFFIC_MARGIN_MS), out: ms(at(10), 81 + OWN_TRAFFIC_MARGIN_MS) },
    { case: "between hubtray's requests: the user's", hub: at(15), out: at(15) },
    { case: 'within a burst of polls (merged into one span): hubtray', hub: ms(at(20), 31_500), out: null },
    { case: 'a hub clock ahead (clock step): no later than now', hub: at(90), out: at(30) },
  ])('$case', ({ hub, out }) => {
    expect(userActivityFromHub(hub, own, at(30))).toEqual(out);
  });

  it('forgets requests older than an hour', () => {
    const long = new OwnTraffic();
    long.remember(at(0).getTime(), at(0).getTime() + 10);
    for (let i = 0; i < 5000; i++) long.remember(at(1).getTime() + i * 20_000, at(1).getTime() + i * 20_000 + 10);
    expect(long.explains(at(0))).toBe(false);
    const last = at(1).getTime() + 4999 * 20_000;
    expect(long.explains(new Date(last))).toBe(true);
    expect(long.explains(new Date(last - 30 * 60_000))).toBe(true);
    expect(long.explains(new Date(last - 30 * 60_000 + 10_000))).toBe(false);
  });
});

describe('a lab\'s reported activity (its clock stepped ahead)', () => {
  it('counts a report from the future as of its arrival, and the same time reported again not at all', () => {
    const reported = new ReportedActivity();
    reported.report(at(5), at(6));
    expect(reported.latest()).toEqual(at(5));
    reported.report(at(120), at(7));
    expect(reported.latest()).toEqual(at(7));
    // The idle lab repeats its (future) last activity every interval: nothing new happened.
    reported.report(at(120), at(12));
    expect(reported.latest()).toEqual(at(7));
    // An older time later (the lab's clock set right again) does not move it back.
    reported.report(at(6), at(13));
    expect(reported.latest()).toEqual(at(7));
    reported.report(at(13), at(13));
    expect(reported.latest()).toEqual(at(13));
  });
});
