// The "15 minutes left" warning before a batch job's walltime ends. The user's world: a job with a walltime of weeks
// (a long QOS), past what one setTimeout can wait, and one that ends after midnight. Fake timers, since what is
// checked is the timer arithmetic itself; the clock is the test's own, so the dates are fixed.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { WalltimeWatch } from '../../electron/core/hub/walltime-watch.js';

const minute = 60_000;
let warnings: string[];
let watch: WalltimeWatch;

beforeEach(() => {
  vi.useFakeTimers();
  warnings = [];
  watch = new WalltimeWatch('long', (message) => warnings.push(message));
});

afterEach(() => {
  watch.clear();
  vi.useRealTimers();
});

it('warns about a walltime 30 days away only 15 minutes before it ends', () => {
  vi.setSystemTime(new Date(2026, 10, 5, 14, 0));
  const end = new Date(2026, 11, 5, 14, 0);
  watch.watch(end);
  expect(warnings).toEqual([]);
  vi.advanceTimersByTime(end.getTime() - Date.now() - 15 * minute - 1);
  expect(warnings).toEqual([]);
  vi.advanceTimersByTime(1);
  // It ends today by then: the time alone says when.
  expect(warnings).toEqual(['long: its walltime ends in 15 minutes, at 14:00; save your work']);
});

it('names the date of a walltime that ends after midnight', () => {
  vi.setSystemTime(new Date(2026, 11, 5, 20, 0));
  watch.watch(new Date(2026, 11, 6, 0, 5));
  vi.advanceTimersByTime(3 * 60 * minute + 50 * minute);
  expect(warnings).toEqual(['long: its walltime ends in 15 minutes, at 2026-12-06 00:05; save your work']);
});
