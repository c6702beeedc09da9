// Re-attach after a restart of hubtray (reference §1, ForwardBaseSpawner's first poll after a hub restart): poll the
// Outpost; while it still has the lab, rebuild the tunnel through the SSH node on the same local port
// (ssh_recreate_at_start) and the remote forward on the port the lab knows, so the lab reaches the personal hub again;
// a lab the Outpost no longer knows is marked stopped.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { startOutpostStandIn, type StandInOutpost } from '../fixtures/outpost-stand-in.js';
import { startSshd, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { eventually, storeCredentials } from './helpers.js';
import { STAND_IN_PASSWORD } from '../fixtures/outpost-stand-in.js';

let outpost: StandInOutpost;
let sshd: Sshd;
let client: ClientConfig;
let home: string;
let h: HubHarness;

beforeAll(async () => {
  [outpost, sshd] = await Promise.all([startOutpostStandIn(), startSshd()]);
  client = await writeClientConfig([{ alias: 'node', sshd }]);
  process.env.HUBTRAY_SSH_CONFIG = client.configPath;
  const system = { kind: 'outpost', request_url: outpost.requestUrl, ssh_node: 'node', ssh_username: null, poll_interval: 1 };
  // A start's profile (picked in the form) and apply_user_options_hook's answer change its headers and stop_async.
  const profiled = {
    kind: 'outpost',
    request_url: outpost.requestUrl,
    poll_interval: 1,
    group_overrides: { fast: { groups: ['fast'], spawner_override: { request_headers: { 'X-Profile': 'fast' }, stop_async: true } } },
    apply_user_options_hook: { hook: 'sized' },
    options_form: { fields: [{ name: 'size', type: 'number' }, { name: 'groups', type: 'select', multiple: true, choices: [{ value: 'fast' }] }] },
  };
  home = makeHome({ systems: { tunnelled: { ...system, ssh_create_remote_forward: true }, outsourced: { ...system, ssh_recreate_at_start: false }, profiled } });
  writeFileSync(join(home, 'hooks.mjs'), "export const sized = (spawner, userOptions) => ({ request_headers: { 'X-Size': String(userOptions.size) } });\n");
  h = await openHub(home);
  await storeCredentials(h, outpost.requestUrl, STAND_IN_PASSWORD);
});

afterAll(async () => {
  await h?.close();
  removeHome(home);
  await Promise.all([outpost?.stop(), sshd?.stop(), client?.cleanup()]);
  delete process.env.HUBTRAY_SSH_CONFIG;
});

async function restart(): Promise<void> {
  await h.hub.close();
  h = await openHub(home);
}

it('finds the lab again after a restart: same tunnel port, the remote forward and token back, the setup-tunnel callback answered', async () => {
  await h.hub.start({ system: 'tunnelled', name: 'keep' });
  const before = await h.waitFor('keep', ['running', 'failed']);
  expect(before.reason).toBeNull();
  const row = outpost.rows()[0];
  const env = row?.body.env as Record<string, string>;
  const polls = () => outpost.requests.filter((r) => r.method === 'GET' && r.path === `/services/keep/${row?.start_id as string}`).length;

  const pollsBefore = polls();
  await restart();
  const after = await h.waitFor('keep', ['running']);
  expect(polls()).toBeGreaterThan(pollsBefore);
  expect(after.url).toBe(before.url);
  expect(after.tunnel.state).toBe('connected');
  const status = await request(new URL('api/status', after.url as string), { headers: { authorization: `token ${env.JUPYTERHUB_API_TOKEN}` } });
  await status.body.dump();
  expect(status.statusCode).toBe(200);
  // The lab's way back to hubtray: the remote forward on its old port, to the personal hub, which knows its token.
  await eventually(async () => {
    // Bounded, so that a connection accepted but never answered (a forward half set up) is one failed try, not a hang.
    const me = await request(`${env.JUPYTERHUB_API_URL}/user`, {
      headers: { authorization: `token ${env.JUPYTERHUB_API_TOKEN}` },
      headersTimeout: 3000,
      bodyTimeout: 3000,
    }).catch(() => null);
    await me?.body.dump();
    return me?.statusCode === 200;
  }, 'the lab reaching the personal hub again');
  // The Outpost, restarted with ssh_recreate_at_start, posts the stored address again: the same one is welcome.
  expect(await outpost.recreateTunnels()).toEqual([204]);
  expect((await h.hub.open({ name: 'keep' })).url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${hubPort()}/hub/login\\?ticket=`));
  await h.hub.stop({ name: 'keep' });
  expect(outpost.rows()).toEqual([]);
});

it('listens again on the same remote port after the SSH node comes back', async () => {
  await h.hub.start({ system: 'tunnelled', name: 'heal' });
  await h.waitFor('heal', ['running', 'failed']);
  const env = outpost.rows().find((r) => r.name === 'heal')?.body.env as Record<string, string>;
  const reachesHub = async () => {
    // Bounded, so that a connection accepted but never answered (a forward half set up) is one failed try, not a hang.
    const me = await request(`${env.JUPYTERHUB_API_URL}/user`, {
      headers: { authorization: `token ${env.JUPYTERHUB_API_TOKEN}` },
      headersTimeout: 3000,
      bodyTimeout: 3000,
    }).catch(() => null);
    await me?.body.dump();
    return me?.statusCode === 200;
  };
  expect(await reachesHub()).toBe(true);
  await sshd.restart();
  await eventually(reachesHub, 'the lab reaching the personal hub through the remote forward again', 30_000);
  await h.hub.stop({ name: 'heal' });
});

it('leaves the tunnel to others with ssh_recreate_at_start off: the lab is listed at its own address', async () => {
  await h.hub.start({ system: 'outsourced', name: 'out' });
  const before = await h.waitFor('out', ['running', 'failed']);
  expect(before.tunnel.state).toBe('connected');
  await restart();
  const after = await h.waitFor('out', ['running']);
  expect(after.tunnel.state).toBe('none');
  expect(new URL(after.url as string).port).toBe(outpost.rows().find((r) => r.name === 'out')?.service.split(':')[1]);
  await h.hub.stop({ name: 'out' });
});

it('polls and stops after a restart with the settings of its start: the profile picked and apply_user_options_hook', async () => {
  await h.hub.start({ system: 'profiled', name: 'prof', options: { size: 3, groups: ['fast'] } });
  expect((await h.waitFor('prof', ['running', 'failed'])).reason).toBeNull();
  const path = `/services/prof/${outpost.rows().find((r) => r.name === 'prof')?.start_id as string}`;
  await restart();
  await h.waitFor('prof', ['running']);
  const since = outpost.requests.length;
  const after = (method: string) => outpost.requests.slice(since).find((r) => r.method === method && r.path.startsWith(path));
  await eventually(() => after('GET') !== undefined, 'a poll after the restart');
  expect(after('GET')?.headers).toMatchObject({ 'x-profile': 'fast', 'x-size': '3' });
  await h.hub.stop({ name: 'prof' });
  expect(after('DELETE')?.headers).toMatchObject({ 'x-profile': 'fast', 'x-size': '3', 'execution-type': 'async' });
  await eventually(() => !outpost.rows().some((r) => r.name === 'prof'), 'the lab stopped at the Outpost');
});

it('marks a lab stopped that the Outpost no longer knows', async () => {
  await h.hub.start({ system: 'tunnelled', name: 'gone' });
  await h.waitFor('gone', ['running', 'failed']);
  await h.hub.close();
  const row = outpost.forget('gone');
  h = await openHub(home);
  const stopped = await h.waitFor('gone', ['stopped']);
  expect(stopped.reason).toContain('the Outpost no longer knows it (404)');
  // The test's own cleanup of the lab the stand-in forgot.
  if (row?.pid) process.kill(row.pid, 'SIGKILL');
});

function hubPort(): number {
  return (JSON.parse(readFileSync(join(home, 'personal-hub.json'), 'utf8')) as { port: number }).port;
}
