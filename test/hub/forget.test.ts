// Forgetting a server that has ended: gone from the list, the faces and state.json, for good; a server that is still
// starting or running cannot be forgotten. Real local processes and a real Hub.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';

let h: HubHarness | undefined;
let home: string | undefined;

afterEach(async () => {
  await h?.close();
  if (home) removeHome(home);
  h = undefined;
  home = undefined;
});

const savedNames = () => Object.keys(JSON.parse(readFileSync(join(home!, 'state.json'), 'utf8')).servers);

describe('forget', () => {
  it('drops an ended server from the list, the events and state.json, also after a restart', async () => {
    home = makeHome({
      systems: {
        broken: { kind: 'local', cmd: ['/nonexistent/jupyter'] },
        // Starts, but never answers HTTP: stays starting until cancelled.
        silent: { kind: 'local', cmd: ['/bin/sh', '-c', 'exec sleep 600', 'sh'], start_timeout: 120 },
      },
    });
    h = await openHub(home);
    await h.hub.start({ system: 'broken', name: 'gone' });
    expect((await h.waitFor('gone', ['failed', 'running'])).status).toBe('failed');
    await h.hub.start({ system: 'silent', name: 'busy' });
    await expect(h.hub.forget({ name: 'busy' })).rejects.toThrow('busy is starting; only a server that has ended or is lost can be forgotten (stop it first)');
    expect(savedNames().sort()).toEqual(['busy', 'gone']);

    expect(await h.hub.forget({ name: 'gone' })).toEqual({ ok: true });
    expect(h.events).toContainEqual({ event: 'forgotten', data: { name: 'gone' } });
    expect((await h.hub.listServers()).map((s) => s.name)).toEqual(['busy']);
    expect(savedNames()).toEqual(['busy']);
    await expect(h.hub.forget({ name: 'gone' })).rejects.toThrow('no server named "gone"');

    await h.hub.cancel({ name: 'busy' });
    await h.waitFor('busy', ['cancelled']);
    await h.hub.forget({ name: 'busy' });
    await h.close();
    h = await openHub(home);
    expect(await h.hub.listServers()).toEqual([]);
    expect(readFileSync(join(home, 'logs', 'hub.log'), 'utf8')).toMatch(/server gone: forgotten\n/);
  });
});
