// The pure parts of tunnel supervision: the backoff schedule, and the two watches that trigger a probe without any
// event from the system (a jump of the wall clock, a change of the local addresses).
import type os from 'node:os';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { reconnectDelayMs } from '../../electron/core/ssh/link.js';
import { watchClock, watchNetwork } from '../../electron/core/ssh/wake-watch.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});
afterEach(() => {
  vi.useRealTimers();
});

test('backoff: about 0.25, 1, 2, 4, 8, 16 s, then 30 s for good; jitter only ever shortens, by up to 20%', () => {
  const none = () => 0;
  expect(Array.from({ length: 10 }, (_, step) => reconnectDelayMs(step, none))).toEqual([
    250, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000,
  ]);
  const most = () => 0.999999;
  expect(Array.from({ length: 8 }, (_, step) => reconnectDelayMs(step, most))).toEqual([200, 800, 1600, 3200, 6400, 12800, 24000, 24000]);
  for (let i = 0; i < 1000; i++) {
    const delay = reconnectDelayMs(1000);
    expect(delay).toBeGreaterThanOrEqual(24000);
    expect(delay).toBeLessThanOrEqual(30000);
  }
});

test('a tick that fires more than 5 s late by the wall clock is a jump; a punctual one, or a step back, is not', () => {
  let now = 1_000_000;
  const jumps: number[] = [];
  const stop = watchClock((late) => jumps.push(late), { periodMs: 2000, toleranceMs: 5000, now: () => now });
  const tick = (wallClockMs: number) => {
    now += wallClockMs;
    vi.advanceTimersByTime(2000);
  };
  tick(2000);
  tick(2300);
  tick(6900); // 4.9 s late: a busy event loop, not a suspend
  expect(jumps).toEqual([]);
  tick(2000 + 60_000); // the machine slept a minute: Node's timers stood still, the wall clock did not
  expect(jumps).toEqual([60_000]);
  tick(2000 - 3_600_000); // the clock was set back an hour
  tick(2000);
  expect(jumps).toEqual([60_000]);
  stop();
  tick(2000 + 60_000);
  expect(jumps).toEqual([60_000]);
});

test('the network watch reports an address that comes, goes or changes, and ignores loopback and reordering', () => {
  const address = (cidr: string, internal = false): os.NetworkInterfaceInfo => ({
    address: cidr.split('/')[0] ?? '',
    netmask: '255.255.255.0',
    family: 'IPv4',
    mac: '00:00:00:00:00:00',
    internal,
    cidr,
  });
  let interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = { lo: [address('127.0.0.1/8', true)], eth0: [address('192.168.1.5/24')] };
  let changes = 0;
  const stop = watchNetwork(() => changes++, { intervalMs: 3000, interfaces: () => interfaces });
  vi.advanceTimersByTime(3000);
  expect(changes).toBe(0);

  interfaces = { ...interfaces, wlan0: [address('10.0.0.7/24')] };
  vi.advanceTimersByTime(3000);
  expect(changes).toBe(1);
  interfaces = { wlan0: interfaces.wlan0, eth0: interfaces.eth0, lo: [address('127.0.0.2/8', true)] };
  vi.advanceTimersByTime(6000);
  expect(changes).toBe(1);
  interfaces = { eth0: [address('192.168.1.6/24')], lo: interfaces.lo };
  vi.advanceTimersByTime(3000);
  expect(changes).toBe(2);
  stop();
  interfaces = {};
  vi.advanceTimersByTime(9000);
  expect(changes).toBe(2);
});
