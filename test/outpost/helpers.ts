// What the Outpost tests share: a Hub with outpost systems in front of the stand-in Outpost, its credentials already
// in the (test) keychain, and ways to read what the Outpost received.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Prompt } from '../../shared/api.js';
import type { Spawner } from '../../electron/core/spawner/spawner.js';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { startOutpostStandIn, STAND_IN_HUB, STAND_IN_PASSWORD, type RecordedRequest, type StandInOptions, type StandInOutpost } from '../fixtures/outpost-stand-in.js';

export interface OutpostRig {
  outpost: StandInOutpost;
  h: HubHarness;
  /** The POST /services bodies the Outpost received, oldest first. */
  starts(): Array<Record<string, unknown>>;
  /** Requests of one method whose path starts with `prefix`. */
  sent(method: string, prefix: string): RecordedRequest[];
  close(): Promise<void>;
}

/**
 * The stand-in and a Hub whose systems talk to it (`request_url` is filled in, and a poll every second keeps the
 * tests short unless a system says otherwise). `hooks` becomes HUBTRAY_HOME/hooks.mjs; `config` adds to config.json.
 */
export async function outpostRig(
  systems: Record<string, Record<string, unknown>>,
  options: StandInOptions & { hooks?: string; credentials?: boolean; config?: Record<string, unknown> } = {},
): Promise<OutpostRig> {
  const outpost = await startOutpostStandIn(options);
  const configured = Object.fromEntries(
    Object.entries(systems).map(([name, settings]) => [name, { kind: 'outpost', request_url: outpost.requestUrl, poll_interval: 1, ...settings }]),
  );
  const home = makeHome({ ...options.config, systems: configured });
  if (options.hooks) writeFileSync(join(home, 'hooks.mjs'), options.hooks);
  const h = await openHub(home);
  if (options.credentials ?? true) await storeCredentials(h, outpost.requestUrl, STAND_IN_PASSWORD);
  return {
    outpost,
    h,
    starts: () => outpost.requests.filter((r) => r.method === 'POST' && r.path === '/services').map((r) => r.body as Record<string, unknown>),
    sent: (method, prefix) => outpost.requests.filter((r) => r.method === method && r.path.startsWith(prefix)),
    async close() {
      await h.close();
      removeHome(h.home);
      await outpost.stop();
    },
  };
}

export function storeCredentials(h: HubHarness, requestUrl: string, password: string): Promise<unknown> {
  return h.hub.setSecret({ key: `outpost-credentials/${requestUrl}`, value: JSON.stringify({ username: STAND_IN_HUB, password }) });
}

/**
 * The activity the Hub has recorded of a server's hub side (Spawner.hubActivity: for an outpost server, its lab's
 * reports to the personal hub), as the idle culler reads it. No face shows it (the culler acts on it only after
 * cull_idle_timeout), so the test reads it where the culler does, through the Hub's registry.
 */
export async function recordedActivity(h: HubHarness, name: string): Promise<Date | null> {
  const registry = (h.hub as unknown as { servers: { find(name: string): unknown } }).servers;
  const spawner = (registry.find(name) as { spawner: Pick<Spawner, 'hubActivity'> }).spawner;
  if (!spawner.hubActivity) throw new Error(`${name}'s spawner keeps no record of hub activity`);
  return spawner.hubActivity();
}

/** Waits for the Hub to ask something, and answers it. */
export async function answerNextPrompt(h: HubHarness, answers: string[], { remember = false, timeoutMs = 20_000 } = {}): Promise<Prompt> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [prompt] = await h.hub.pendingPrompts();
    if (prompt) {
      await h.hub.answerPrompt({ id: prompt.id, answers, remember });
      return prompt;
    }
    if (Date.now() > deadline) throw new Error('no prompt came');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves once `check` holds, polling every 100 ms. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
