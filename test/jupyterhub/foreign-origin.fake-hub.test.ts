// A hostile hub that names a server URL on another origin, absolute (http://127.0.0.1:OTHER/…) or protocol-relative
// (//127.0.0.1:OTHER/…, which starts with a slash), in its ready event or in its server model. The other origin is a
// recording relay in front of the stand-in, so a token sent there would even be answered: none may reach it.
import { afterEach, describe, expect, it } from 'vitest';
import { removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { hubtrayOn, startHostileHub, type HostileBehaviour, type HostileHub } from './hostile-hub-stand-in.js';
import { startRecordingRelay, type RecordingRelay } from './recording-relay.js';

let hub: HostileHub | undefined;
let relay: RecordingRelay | undefined;
let h: HubHarness | undefined;

afterEach(async () => {
  await h?.close();
  if (h) removeHome(h.home);
  await relay?.close();
  await hub?.close();
  h = relay = hub = undefined;
});

/** The stand-in, the foreign origin in front of it, and a Hub with a system on the stand-in. */
async function hostileHub(behaviour: (foreign: () => string) => HostileBehaviour, spelling: keyof typeof spellings): Promise<HubHarness> {
  const foreign = () => spellings[spelling](relay as RecordingRelay);
  hub = await startHostileHub(behaviour(foreign));
  relay = await startRecordingRelay(hub.port);
  h = await hubtrayOn(hub);
  return h;
}

const spellings = {
  'an absolute': (r: RecordingRelay) => `${r.url}user/alice/`,
  'a protocol-relative': (r: RecordingRelay) => `//${new URL(r.url).host}/user/alice/`,
};

const requested = 'data: {"progress": 0, "message": "Server requested"}\n\n';
const where: Record<string, (foreign: () => string) => HostileBehaviour> = {
  'the ready event': (foreign) => ({ progress: (s) => s.end(`${requested}data: ${JSON.stringify({ progress: 100, ready: true, url: foreign() })}\n\n`) }),
  // The stream ends without a ready event, so the launch reads the server's model.
  'the server model': (foreign) => ({ serverUrl: foreign, progress: (s) => s.end(requested) }),
};

function expectNothingSentAbroad(): void {
  expect(relay?.requests).toEqual([]);
  expect(relay?.authorized).toEqual([]);
  // Not even a token of the server's own was made for it.
  expect(hub?.requests).not.toContain('POST /hub/api/users/alice/tokens');
}

describe('a hostile hub that names a server URL on another origin', () => {
  for (const spelling of Object.keys(spellings) as Array<keyof typeof spellings>) {
    for (const [place, behaviour] of Object.entries(where)) {
      it(`fails the start, naming the URL, when ${place} names ${spelling} URL`, async () => {
        const h = await hostileHub(behaviour, spelling);
        await h.hub.start({ system: 'evil', name: 'lured' });
        const failed = await h.waitFor('lured', ['failed', 'running', 'lost'], 20_000);
        expect(failed.status).toBe('failed');
        const url = spellings[spelling](relay as RecordingRelay);
        expect(failed.reason).toContain(`the hub named "${url}" as the address of alice's default server, which is not a path on the hub (it leads to ${relay?.url.slice(0, -1)})`);
        expectNothingSentAbroad();
      });
    }

    it(`adopts nothing, and says why, when the server model of a server started elsewhere names ${spelling} URL`, async () => {
      const h = await hostileHub((foreign) => ({ serverUrl: foreign, running: ['elsewhere'] }), spelling);
      const notice = () => h.events.find((e) => e.event === 'notice' && e.data.message.startsWith('could not list the servers on evil'));
      for (let i = 0; i < 100 && !notice(); i++) await new Promise((r) => setTimeout(r, 100));
      const url = spellings[spelling](relay as RecordingRelay);
      expect(notice()?.data).toMatchObject({ message: expect.stringContaining(`the hub named "${url}" as the address of alice's server elsewhere, which is not a path on the hub`) });
      expect(await h.hub.listServers()).toEqual([]);
      expectNothingSentAbroad();
    });
  }
});
