// What decides a launch before the hub is asked, against a real JupyterHub 3.0.0: the Launcher's pre_launch_hook
// (a function of HUBTRAY_HOME/hooks.mjs, which sees the launch's arguments and may change or refuse them) and
// create_user (a user the hub does not have yet, created with an admin token; without it, a clear refusal).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../shared/api.js';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { startJupyterHub, type JupyterHubFixture } from '../fixtures/jupyterhub.js';

declare global {
  var hubtrayLaunchHookCalls: unknown[][];
}

const hooks = `
export function choose(launcher, username, serverName, userOptions) {
  globalThis.hubtrayLaunchHookCalls.push([launcher, username, serverName, userOptions]);
  if (userOptions.project === 'closed') throw new Error('project closed takes no new servers');
  if (userOptions.project === 'bad name') return { server_name: 'has a space' };
  return { server_name: 'proj-' + userOptions.project, user_options: { ...userOptions, image: 'lab:' + userOptions.project } };
}
export const delegate = async (launcher, username) => ({ username: username + '-assistant' });
`;

let hub: JupyterHubFixture;
let h: HubHarness;

beforeAll(async () => {
  globalThis.hubtrayLaunchHookCalls = [];
  hub = await startJupyterHub();
  const base = { kind: 'jupyterhub', hub_url: hub.url, retries: 2, retry_delay: 0.2 };
  const home = makeHome({
    systems: {
      hooked: { ...base, allow_named_servers: true, pre_launch_hook: { hook: 'choose' }, options_form: { fields: [{ name: 'project', type: 'text' }] } },
      onboarding: { ...base, user: 'newbie', create_user: true },
      delegating: { ...base, user: 'newbie', create_user: true, pre_launch_hook: { hook: 'delegate' } },
      ghost: { ...base, user: 'ghost' },
    },
  });
  writeFileSync(join(home, 'hooks.mjs'), hooks);
  h = await openHub(home);
  await h.hub.setSecret({ key: `jupyterhub-token/${hub.url}`, value: await hub.userToken('erin') });
  for (const user of ['newbie', 'ghost']) await h.hub.setSecret({ key: `jupyterhub-token/${user}@${hub.url}`, value: hub.adminToken });
});

afterAll(async () => {
  await h?.close();
  if (h) removeHome(h.home);
  await hub?.stop();
});

const servers = async (user: string) => (await hub.api('GET', `users/${user}?include_stopped_servers`)).json.servers as Record<string, { user_options: object }>;
const progressOf = (name: string): ProgressEvent[] => h.events.flatMap((e) => (e.event === 'progress' && e.data.name === name ? [e.data.event] : []));

describe('pre_launch_hook', () => {
  it('runs before the launch with its arguments, and the launch goes ahead with the ones it returns', async () => {
    await h.hub.start({ system: 'hooked', name: 'alpha', options: { project: 'alpha' } });
    const running = await h.waitFor('alpha', ['running', 'failed']);
    expect(running.reason).toBeNull();
    expect(running.url).toBe(`${hub.url}user/erin/proj-alpha/`);
    expect((await servers('erin'))['proj-alpha']?.user_options).toEqual({ project: 'alpha', image: 'lab:alpha' });
    expect(globalThis.hubtrayLaunchHookCalls).toEqual([
      [expect.objectContaining({ hub_url: hub.url, allow_named_servers: true, create_user: false, launch_timeout: 600, retries: 2 }), 'erin', '', { project: 'alpha' }],
    ]);
    // No token among what the hook is shown.
    expect(JSON.stringify(globalThis.hubtrayLaunchHookCalls)).not.toMatch(/token/i);
    const messages = progressOf('alpha').map((e) => e.message);
    expect(messages.indexOf('Running pre_launch_hook')).toBeGreaterThan(-1);
    expect(messages.indexOf('Running pre_launch_hook')).toBeLessThan(messages.indexOf("Requesting erin's server proj-alpha from the hub"));
    await h.hub.stop({ name: 'alpha' });
  });

  it('refuses the launch when the hook throws, naming the hook, and nothing is launched', async () => {
    const before = await servers('erin');
    await h.hub.start({ system: 'hooked', name: 'closed', options: { project: 'closed' } });
    const failed = await h.waitFor('closed', ['failed', 'running']);
    expect(failed.reason).toContain(`hook pre_launch_hook (${join(h.home, 'hooks.mjs')}: export choose) failed: project closed takes no new servers`);
    expect(await servers('erin')).toEqual(before);
    expect(progressOf('closed').map((e) => e.message)).not.toContain("Requesting erin's server proj-closed from the hub");
  });

  it('refuses a launch the hook changed into one the settings do not allow', async () => {
    const before = await servers('erin');
    await h.hub.start({ system: 'hooked', name: 'badname', options: { project: 'bad name' } });
    const failed = await h.waitFor('badname', ['failed', 'running']);
    expect(failed.reason).toMatch(/hook pre_launch_hook \(choose\) returned \{"server_name":"has a space"\}, which is not .*server_name/);
    expect(await servers('erin')).toEqual(before);
  });
  it('may launch for another user, whom create_user then creates', async () => {
    await h.hub.start({ system: 'delegating', name: 'assistant' });
    const running = await h.waitFor('assistant', ['running', 'failed']);
    expect(running.reason).toBeNull();
    expect(running.url).toBe(`${hub.url}user/newbie-assistant/`);
    expect((await hub.api('GET', 'users/newbie-assistant')).json.servers['']).toMatchObject({ ready: true });
    await h.hub.stop({ name: 'assistant' });
  });
});

describe('create_user', () => {
  it('creates a user the hub does not have (with an admin token) before launching for them', async () => {
    expect((await hub.api('GET', 'users/newbie')).status).toBe(404);
    await h.hub.start({ system: 'onboarding', name: 'first-day' });
    const running = await h.waitFor('first-day', ['running', 'failed']);
    expect(running.reason).toBeNull();
    expect(running.url).toBe(`${hub.url}user/newbie/`);
    expect((await hub.api('GET', 'users/newbie')).json).toMatchObject({ name: 'newbie', servers: { '': { ready: true } } });
    await h.hub.stop({ name: 'first-day' });
  });

  it('without create_user, a user the hub does not have is a clear refusal, and nothing is created', async () => {
    await h.hub.start({ system: 'ghost', name: 'boo' });
    const failed = await h.waitFor('boo', ['failed', 'running']);
    expect(failed.reason).toMatch(/^the hub has no user ghost that this API token can see \(.*404.*\); set create_user \(with an admin token\) to have hubtray create it$/);
    expect((await hub.api('GET', 'users/ghost')).status).toBe(404);
  });
});
