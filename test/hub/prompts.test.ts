// Prompts and the starts they are for: a cancel closes the start's open password prompt at once, and a reloaded
// prompt_timeout applies to the next prompt. Real sshd (password logins only) and a real Hub.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Prompt } from '../../shared/api.js';
import { startSshd, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';

const user = 'hubtray-prompts';
let sshd: Sshd;
let client: ClientConfig;
let h: HubHarness | undefined;

const config = (promptTimeout: number) => ({
  prompt_timeout: promptTimeout,
  systems: { pw: { kind: 'ssh', host: 'pw', cmd: ['/usr/bin/jupyter', 'server'], args: ['--allow-root'] } },
});

beforeAll(async () => {
  sshd = await startSshd({ passwordAuthentication: true, users: [{ name: user, password: 'not-typed-in-these-tests', authorizedKeys: [] }] });
  // No key that sshd would take: the login asks for the password.
  client = await writeClientConfig([{ alias: 'pw', sshd, user, identityFile: join(sshd.dir, 'no-such-key') }], { trust: true });
  process.env.HUBTRAY_SSH_CONFIG = client.configPath;
});

afterEach(async () => {
  await h?.close();
  if (h) removeHome(h.home);
  h = undefined;
});

afterAll(async () => {
  await sshd?.stop();
  await client?.cleanup();
  delete process.env.HUBTRAY_SSH_CONFIG;
});

/** The moment `closed` resolves, or a failure after `ms` (so that a prompt left open fails the test, not its timeout). */
function within(closed: Promise<number>, ms: number): Promise<number> {
  return Promise.race([closed, new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`the prompt was still open after ${ms} ms`)), ms))]);
}

/** The next prompt the hub announces, and a promise of the moment it closes. */
function nextPrompt(harness: HubHarness): Promise<{ prompt: Prompt; closed: Promise<number> }> {
  return new Promise((resolve) => {
    const off = harness.hub.subscribe((event) => {
      if (event.event !== 'prompt') return;
      off();
      const prompt = event.data;
      const closed = new Promise<number>((done) => {
        const offClosed = harness.hub.subscribe((e) => {
          if (e.event === 'promptClosed' && e.data.id === prompt.id) {
            offClosed();
            done(performance.now());
          }
        });
      });
      resolve({ prompt, closed });
    });
  });
}

describe('prompts', () => {
  it('closes the password prompt the moment its start is cancelled, and the start ends as cancelled', async () => {
    h = await openHub(makeHome(config(300)));
    const asked = nextPrompt(h);
    await h.hub.start({ system: 'pw', name: 'pw' });
    const { prompt, closed } = await asked;
    expect(prompt.kind).toBe('password');
    expect(await h.hub.pendingPrompts()).toEqual([prompt]);

    const cancelledAt = performance.now();
    await h.hub.cancel({ name: 'pw' });
    expect((await within(closed, 5000)) - cancelledAt).toBeLessThan(1000);
    expect(await h.hub.pendingPrompts()).toEqual([]);
    const server = await h.waitFor('pw', ['cancelled', 'failed'], 10_000);
    expect(server.status).toBe('cancelled');
    expect(server.reason).toBe('cancelled by the user');
    // An answer that comes too late is told so.
    await expect(h.hub.answerPrompt({ id: prompt.id, answers: ['late'] })).rejects.toThrow(/withdrawn/);
  });

  it('applies a prompt_timeout changed in config.json at reloadConfig', async () => {
    h = await openHub(makeHome(config(300)));
    writeFileSync(join(h.home, 'config.json'), JSON.stringify(config(1)));
    await h.hub.reloadConfig();
    const asked = nextPrompt(h);
    await h.hub.start({ system: 'pw', name: 'pw' });
    const { closed } = await asked;
    const askedAt = performance.now();
    expect((await within(closed, 5000)) - askedAt).toBeLessThan(3000);
    const server = await h.waitFor('pw', ['failed', 'running'], 10_000);
    expect(server.status).toBe('failed');
    expect(server.reason).toMatch(/nobody answered .* within 1 s/);
  });
});
