// Desktop notices from a real Hub's real events, as the tray app shows them: Debian's Jupyter on this computer that
// becomes ready (a click opens it), fails to start, dies by itself and is stopped by the user (no notice); and a batch
// job on a private Slurm cluster whose walltime is within the warning's 15 minutes, whose warning becomes a notice
// (a click shows the server's page). The same job's log is followed over SSH, as a log view does.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogChunk } from '../../shared/api.js';
import { NOTICE_BODY_CHARS } from '../../electron/core/desktop/notice-text.js';
import { createNotices, type DesktopNotice } from '../../electron/core/desktop/notices.js';
import { localJupyter, makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { startLoginNode, type LoginNode } from '../slurm/cluster.js';

function noticesOf(h: HubHarness): DesktopNotice[] {
  const notices: DesktopNotice[] = [];
  h.hub.subscribe(createNotices({ notify: (notice) => notices.push(notice) }));
  return notices;
}

describe('notices of servers on this computer', () => {
  let h: HubHarness;
  let notices: DesktopNotice[];

  beforeAll(async () => {
    h = await openHub(makeHome({ systems: { here: { ...localJupyter, poll_interval: 0.5 }, broken: { kind: 'local', cmd: ['/nonexistent/jupyter'] } } }));
    notices = noticesOf(h);
  });

  afterAll(async () => {
    await h?.close();
    if (h) removeHome(h.home);
  });

  it('tell that a server is ready, that one failed and why, and that one died; not that the user stopped one', async () => {
    await h.hub.start({ system: 'here', name: 'lab' });
    await h.waitFor('lab', ['running']);
    await expect.poll(() => notices).toContainEqual({ title: 'lab is ready', body: expect.any(String), click: { action: 'open-server', name: 'lab' } });

    await h.hub.start({ system: 'broken', name: 'nope' }).catch(() => undefined);
    // The status is in the list as soon as it changes; its event (and so the notice) once it is on disk.
    await expect.poll(() => notices.find((n) => n.title === 'nope failed')).toBeDefined();
    const failed = notices.find((n) => n.title === 'nope failed');
    expect(failed?.click).toEqual({ action: 'show-server-page', name: 'nope' });
    // Folded for a notice's few lines (notice-text.ts): the cause first, and the rest on the server's page.
    expect(failed?.body.split('\n')[0]).toContain('/nonexistent/jupyter');
    expect(failed?.body.length).toBeLessThanOrEqual(NOTICE_BODY_CHARS);
    expect(failed?.body).toMatch(/\nThe full text is on the server's page\.$/);

    // Killed behind hubtray's back: it stopped by itself.
    const runDir = readdirSync(join(h.home, 'run')).find((entry) => entry.startsWith('lab-')) as string;
    process.kill(Number(readFileSync(join(h.home, 'run', runDir, 'pid'), 'utf8')), 'SIGKILL');
    await expect.poll(() => notices.find((n) => n.title === 'lab stopped')?.click).toEqual({ action: 'show-server-page', name: 'lab' });

    await h.hub.start({ system: 'here', name: 'again' });
    await h.waitFor('again', ['running']);
    await expect.poll(() => notices.at(-1)?.title).toBe('again is ready');
    await h.hub.stop({ name: 'again' });
    await expect.poll(() => h.events.some((e) => e.event === 'server' && e.data.name === 'again' && e.data.status === 'stopped')).toBe(true);
    expect(notices.map((n) => n.title)).toEqual(['lab is ready', 'nope failed', 'lab stopped', 'again is ready']);
  });
});

describe('a batch job near its walltime', () => {
  let node: LoginNode;
  let h: HubHarness;

  beforeAll(async () => {
    node = await startLoginNode();
    // Ten minutes: within the warning's 15 from the start, so the warning comes as soon as the job runs.
    h = await openHub(makeHome({ systems: { cluster: node.system({ req_runtime: '10' }) } }));
  });

  afterAll(async () => {
    await h?.hub.stop({ name: 'job', now: true }).catch(() => undefined);
    await h?.close();
    await node?.stop();
    if (h) removeHome(h.home);
  });

  it('becomes a desktop notice that leads to the server’s page, and its log is followed over SSH', { timeout: 120_000 }, async () => {
    const notices = noticesOf(h);
    await h.hub.start({ system: 'cluster', name: 'job' });
    await h.waitFor('job', ['running']);
    await expect.poll(() => notices.find((n) => n.title === 'job ends soon')).toEqual({
      title: 'job ends soon',
      body: expect.stringMatching(/^job: its walltime ends in (9|10) minutes, at \d\d:\d\d; save your work$/),
      click: { action: 'show-server-page', name: 'job' },
    });

    const chunks: LogChunk[] = [];
    const leave = h.hub.followLog('job', (chunk) => chunks.push(chunk));
    await expect.poll(() => chunks.map((c) => c.text).join('')).toMatch(/Jupyter Server .* is running at/);
    leave();
  });
});
