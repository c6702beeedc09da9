// A hub that streams megabytes: a progress message of 5 MB, a progress line that never ends, progress events without
// end; and a hub whose answers are malformed JSON, or trickle in a byte at a time. hubtray stops reading what passes its
// bounds, follows the launch through the server's model instead, and keeps every message and error short.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../shared/api.js';
import { MAX_MESSAGE_CHARS } from '../../shared/text.js';
import { removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { hubtrayOn, startHostileHub, type HostileBehaviour, type HostileHub } from './hostile-hub-stand-in.js';

let hub: HostileHub | undefined;
let h: HubHarness | undefined;

afterEach(async () => {
  await h?.close();
  if (h) removeHome(h.home);
  await hub?.close();
  h = hub = undefined;
});

async function hubtrayOnHostileHub(behaviour: HostileBehaviour): Promise<HubHarness> {
  hub = await startHostileHub(behaviour);
  return (h = await hubtrayOn(hub));
}

/** Starts a server and waits for it to end up somewhere; resolves with it and the seconds that took. */
async function startOn(h: HubHarness, name: string) {
  const t0 = Date.now();
  await h.hub.start({ system: 'evil', name });
  const server = await h.waitFor(name, ['running', 'failed', 'lost'], 50_000);
  return { server, seconds: (Date.now() - t0) / 1000 };
}

const progressOf = (h: HubHarness, name: string): ProgressEvent[] =>
  h.events.flatMap((e) => (e.event === 'progress' && e.data.name === name ? [e.data.event] : []));
const longestLogLine = (h: HubHarness) => Math.max(...readFileSync(join(h.home, 'logs', 'hub.log'), 'utf8').split('\n').map((line) => line.length));
const event = (progress: number, message: string) => `data: ${JSON.stringify({ progress, message })}\n\n`;
// A little more than the message: what boundedText adds to say how much it left out.
const SHORT = MAX_MESSAGE_CHARS + 100;

describe('a hub that streams megabytes', () => {
  it('cuts a long progress message short, and stops reading at a 5 MB one, going on with the server’s model', async () => {
    const h = await hubtrayOnHostileHub({
      // Left open after the 5 MB event: hubtray, not the hub, has to end the stream.
      progress: (s) => void s.write(event(10, 'x'.repeat(50_000)) + event(20, 'y'.repeat(5_000_000))),
    });
    const { server, seconds } = await startOn(h, 'flooded');
    expect(server.reason).toBeNull();
    expect(server.status).toBe('running');
    expect(seconds).toBeLessThan(15);
    const messages = progressOf(h, 'flooded').map((e) => e.message);
    expect(messages).toContainEqual(expect.stringMatching(/^x{2000}… \(48000 more characters left out\)$/));
    expect(messages).toContainEqual(expect.stringContaining('the hub sent a progress line longer than 65536 bytes; hubtray stopped reading it'));
    expect(Math.max(...messages.map((m) => m.length))).toBeLessThan(SHORT);
    expect(longestLogLine(h)).toBeLessThan(2 * SHORT);
    expect(hub?.droppedStreams).toHaveLength(1);
  });

  it('lets a progress line that never ends go, and the start goes on', async () => {
    const h = await hubtrayOnHostileHub({
      progress: async (s) => {
        await s.write('data: {"progress": 50, "message": "');
        while (s.open) await s.write('z'.repeat(16 * 1024));
      },
    });
    const { server, seconds } = await startOn(h, 'endless');
    expect(server.status).toBe('running');
    expect(seconds).toBeLessThan(15);
    expect(progressOf(h, 'endless').map((e) => e.message)).toContainEqual(expect.stringContaining('the hub sent a progress line longer than 65536 bytes'));
    // Let go at once: what the stand-in got out is the line's first 64 KiB and what the sockets' buffers held.
    expect(hub?.droppedStreams).toHaveLength(1);
    expect(hub?.droppedStreams[0]).toBeLessThan(32 * 1024 * 1024);
  });

  it('stops reading progress events that never end after a few MB in all, and the start goes on', async () => {
    const h = await hubtrayOnHostileHub({
      progress: async (s) => {
        for (let i = 0; s.open; i++) await s.write(event(Math.min(99, i / 100), `step ${i} ${'.'.repeat(1000)}`));
      },
    });
    const { server, seconds } = await startOn(h, 'chatty');
    expect(server.status).toBe('running');
    expect(seconds).toBeLessThan(30);
    expect(progressOf(h, 'chatty').map((e) => e.message)).toContainEqual(expect.stringContaining("the hub's progress stream for this start passed 4194304 bytes"));
    expect(hub?.droppedStreams).toHaveLength(1);
  });
});

describe('a hub whose answers are malformed, or trickle in', () => {
  it('says what was malformed in an answer that is not JSON, briefly', async () => {
    const h = await hubtrayOnHostileHub({
      whoAmI: (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(`{"name": "alice", "servers": ${'x'.repeat(900_000)}`),
    });
    const { server } = await startOn(h, 'garbled');
    expect(server.status).toBe('failed');
    expect(server.reason).toMatch(/^the hub's answer to find out whose token this is \(200\) is not JSON \(Unexpected token 'x'.*\); it begins "\{\\"name\\": \\"alice\\", \\"servers\\": x+"$/);
    expect(server.reason?.length).toBeLessThan(400);
  });

  it('gives up on an answer that trickles in, within the time bound of one request', async () => {
    const h = await hubtrayOnHostileHub({
      whoAmI: (res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const drip = setInterval(() => res.write(' '), 500);
        res.on('close', () => clearInterval(drip));
      },
    });
    const { server, seconds } = await startOn(h, 'trickled');
    expect(server.status).toBe('failed');
    expect(server.reason).toBe(`could not reach the hub at ${hub?.url}hub/api/ to find out whose token this is: it did not answer within 30 s`);
    expect(seconds).toBeLessThan(40);
  }, 60_000);
});
