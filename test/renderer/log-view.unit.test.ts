// What the log view keeps of a followed log: pieces that carry on are added, any other replaces the view, "load
// earlier" adds only what ends where the view begins, and the view stays bounded.
import { describe, expect, it } from 'vitest';
import type { LogChunk } from '../../shared/api.js';
import { emptyLogView, MAX_VIEW_BYTES, viewStart, viewText, withChunk, withEarlier } from '../../renderer/src/lib/log-view.js';

const chunk = (from: number, text: string, extra: Partial<LogChunk> = {}): LogChunk => ({ name: 'lab', from, to: from + text.length, size: from + text.length, text, ...extra });

describe('the log view', () => {
  it('adds what carries on, and starts anew on a piece that does not (truncated, skipped ahead)', () => {
    let view = withChunk(emptyLogView, chunk(100, 'a\n'));
    view = withChunk(view, chunk(102, 'b\n'));
    expect([viewText(view), viewStart(view)]).toEqual(['a\nb\n', 100]);
    view = withChunk(view, chunk(0, 'fresh\n', { note: 'the log was truncated or replaced; it is shown again from its start' }));
    expect([viewText(view), viewStart(view), view.note]).toEqual(['fresh\n', 0, 'the log was truncated or replaced; it is shown again from its start']);
    view = withChunk(view, chunk(6, '', { ended: true, note: 'the server has ended; its log will not grow any more' }));
    expect(view.ended).toBe(true);
  });

  it('puts an earlier part in front only when it ends where the view begins', () => {
    const view = withChunk(emptyLogView, chunk(10, 'later\n'));
    expect(viewText(withEarlier(view, chunk(0, 'first\n\n\n\n\n')))).toBe('first\n\n\n\n\nlater\n');
    expect(withEarlier(view, chunk(0, 'gap\n'))).toBe(view);
  });

  it('drops its oldest pieces past its bound, which "load earlier" can bring back', () => {
    const big = 'x'.repeat(MAX_VIEW_BYTES / 2);
    let view = emptyLogView;
    for (let i = 0; i < 5; i++) view = withChunk(view, chunk(i * big.length, big));
    expect(viewText(view).length).toBe(MAX_VIEW_BYTES);
    expect(viewStart(view)).toBeGreaterThan(0);
  });
});
