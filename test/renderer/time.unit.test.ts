// Times as the window shows them: a step against its limit, and moments as a clock shows them.
import { describe, expect, it } from 'vitest';
import { formatClock, formatCountdown } from '../../renderer/src/lib/time.js';

describe('times in the window', () => {
  it('counts a step against its limit in seconds, as the setting has them', () => {
    expect(formatCountdown(12_400, 30)).toBe('12 s of 30');
    // A clock a little ahead of the page's, or a step past its limit while the failure is on its way, stays sane.
    expect(formatCountdown(-500, 30)).toBe('0 s of 30');
    expect(formatCountdown(31_000, 30)).toBe('30 s of 30');
  });

  it('counts long limits in minutes', () => {
    expect(formatCountdown(185_000, 600)).toBe('3 min of 10 min');
  });

  it('shows today’s moments as a time and older ones with their date', () => {
    const now = new Date(2026, 10, 22, 15, 0, 0).getTime();
    expect(formatClock(new Date(2026, 10, 22, 14, 3, 12).toISOString(), now)).toMatch(/^(0?2:03:12\sPM|14:03:12)$/);
    expect(formatClock(new Date(2026, 10, 20, 9, 30).toISOString(), now)).toMatch(/20/);
    expect(formatClock('not a time', now)).toBe('?');
  });
});
