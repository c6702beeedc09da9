// A long failure reason in a desktop notice (issue 14, item 5): what a slow cluster's sbatch error or a remote
// traceback makes. The notice shows the cause and some advice, each cut at a word boundary and bounded, and points
// to the server's page, where the whole text is (and where a click on the notice leads).
import { describe, expect, it } from 'vitest';
import { CAUSE_CHARS, foldText, NOTICE_BODY_CHARS, noticeBody } from '../../electron/core/desktop/notice-text.js';
import { createNotices, type DesktopNotice } from '../../electron/core/desktop/notices.js';
import { rawSection } from '../../shared/reason.js';
import { serverInfo } from '../renderer/server-info.js';

const words = (n: number, word = 'partition') => Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ');
/** Every word of `folded` but a final "…" is a whole word of `source`. */
const wholeWords = (folded: string, source: string) => folded.replace(/…$/, '').split(/\s+/).every((w) => source.split(/\s+/).includes(w));

describe('a long text in a desktop notice', () => {
  it('is folded to its cause and bounded advice, never cut mid-word, pointing to the server page for the rest', () => {
    const cause = `sbatch refused the job: ${words(40)}`;
    const advice = `Raise the walltime or pick another partition: ${words(60, 'hint')}`;
    const body = noticeBody(`${cause}\n${advice}${rawSection('sbatch output', 'x'.repeat(10_000))}`);
    const [first, second, pointer, ...more] = body.split('\n');
    expect(more).toEqual([]);
    expect(body.length).toBeLessThanOrEqual(NOTICE_BODY_CHARS);
    expect(first?.length).toBeLessThanOrEqual(CAUSE_CHARS);
    expect(first).toMatch(/^sbatch refused the job: partition0 .*…$/);
    expect(wholeWords(first ?? '', cause)).toBe(true);
    expect(second).toMatch(/^Raise the walltime or pick another partition: hint0 .*…$/);
    expect(wholeWords(second ?? '', advice)).toBe(true);
    expect(pointer).toBe("The full text is on the server's page.");
  });

  it('keeps a short text whole, with no pointer, and bounds even a single word longer than the notice', () => {
    expect(noticeBody('the server exited (exit status 1)')).toBe('the server exited (exit status 1)');
    expect(foldText(`/${'a'.repeat(300)}`, 50)).toEqual({ text: `/${'a'.repeat(48)}…`, cut: true });
  });

  it('is what the failure notice of a server says', () => {
    const notices: DesktopNotice[] = [];
    const notify = createNotices({ notify: (n) => notices.push(n) });
    const reason = `JupyterLab could not start on hpc: ${words(80, 'module')}`;
    notify({ event: 'server', data: serverInfo('lab', 'starting') });
    notify({ event: 'server', data: serverInfo('lab', 'failed', { reason }) });
    expect(notices).toEqual([{ title: 'lab failed', body: noticeBody(reason), click: { action: 'show-server-page', name: 'lab' } }]);
    expect(notices[0]?.body).toMatch(/…\nThe full text is on the server's page\.$/);
  });
});
