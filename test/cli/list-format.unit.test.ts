// How `hubtray list` shows a tunnel's health in its table.
import { describe, expect, it } from 'vitest';
import { tunnel } from '../../electron/core/cli/commands/list.js';

describe('tunnel column', () => {
  it('shows the state, and for a reconnect the attempt, the next try and the last error', () => {
    expect(tunnel({ state: 'none' })).toBe('-');
    expect(tunnel({ state: 'connected', localPort: 8888 })).toBe('connected');
    expect(tunnel({ state: 'reconnecting', attempt: 3, nextTryInSeconds: 3.2, lastError: 'connection refused' })).toBe(
      'reconnecting (attempt 3, next in 4 s: connection refused)',
    );
    expect(tunnel({ state: 'failed', lastError: 'host key changed' })).toBe('failed: host key changed');
  });
});
