// The tray's Stop follows the window's rule (issue 14, item 7): busy kernels open the window's question instead of
// stopping; idle kernels, a server that is not running, or one whose kernels cannot be asked (its Jupyter gone
// quiet, an old server without /api/kernels) stop at once. The real kernels are in test/cli/stop-busy-kernels.test.ts.
import { describe, expect, it, vi } from 'vitest';
import type { KernelActivity } from '../../shared/api.js';
import { trayStop } from '../../electron/core/desktop/tray-stop.js';

function deps(kernels: () => Promise<KernelActivity>) {
  return { kernels: vi.fn(kernels), stop: vi.fn(async () => undefined), askInWindow: vi.fn() };
}

describe("the tray's Stop", () => {
  it('asks in the window, without stopping, when a kernel runs code', async () => {
    const d = deps(async () => ({ total: 2, busy: 1 }));
    expect(await trayStop('running', d)).toBe('asked');
    expect(d.askInWindow).toHaveBeenCalledOnce();
    expect(d.stop).not.toHaveBeenCalled();
  });

  it.each([
    ['idle kernels', 'running', async () => ({ total: 3, busy: 0 })],
    ['kernels that cannot be asked', 'running', () => Promise.reject(new Error('could not ask lab for its kernels: timed out'))],
    ['a lost server, not asked at all', 'lost', async () => ({ total: 1, busy: 1 })],
  ] as const)('stops at once, unasked, for %s', async (_case, status, kernels) => {
    const d = deps(kernels);
    expect(await trayStop(status, d)).toBe('stopped');
    expect(d.stop).toHaveBeenCalledOnce();
    expect(d.askInWindow).not.toHaveBeenCalled();
    if (status === 'lost') expect(d.kernels).not.toHaveBeenCalled();
  });
});
