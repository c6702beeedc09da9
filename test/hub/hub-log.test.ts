// hub.log is complete once Hub.close() resolves: a hub that quits right after a server failed has that line on
// disk, so whoever reads the log next (the user, the next hub) sees how the server ended.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Hub } from '../../electron/core/hub/hub.js';
import { makeHome, removeHome } from '../fixtures/hub-harness.js';

describe('hub.log', () => {
  it('holds the last line when close() resolves', async () => {
    const home = makeHome({ systems: { broken: { kind: 'local', cmd: ['/nonexistent/jupyter'] } } });
    try {
      const hub = await Hub.open({ home });
      const failed = new Promise<void>((resolve) => {
        hub.subscribe((event) => {
          if (event.event === 'server' && event.data.status === 'failed') resolve();
        });
      });
      await hub.start({ system: 'broken', name: 'gone' });
      await failed;
      // At once, as a quitting tray does: no time for the log to catch up on its own.
      await hub.close();
      const lines = readFileSync(join(home, 'logs', 'hub.log'), 'utf8').trimEnd().split('\n');
      expect(lines.at(-1)).toMatch(/^\S+ server gone: failed \(.*\/nonexistent\/jupyter/);
    } finally {
      removeHome(home);
    }
  });
});
