// The seed's callables, as functions of HUBTRAY_HOME/hooks.mjs: each gets OutpostSpawner's arguments (a `spawner`
// description first), may be async, and changes what is sent or shown exactly where OutpostSpawner's would. A hook
// that throws, or is missing, fails the start with a message naming the setting and the export. The SSH node comes
// from hooks too (ssh_node and ssh_node_mapping), through a real sshd.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSshd, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { freePort } from '../fixtures/ports.js';
import { eventually, outpostRig, type OutpostRig } from './helpers.js';

declare global {
  var hubtrayHookCalls: Array<[string, unknown]>;
  var hubtrayOutpostUrl: string;
  var hubtrayLabPort: number;
}

const hooks = `
const seen = (name, value) => globalThis.hubtrayHookCalls.push([name, value]);
export const requestUrl = async (spawner, userOptions) => globalThis.hubtrayOutpostUrl + '/';
export const headers = (spawner) => ({ 'X-Lab': spawner.name });
export function checkAllowed(spawner, userOptions) {
  if ((userOptions.size ?? 0) > 4) throw new Error('size ' + userOptions.size + ' is too big here');
}
export const customEnv = (spawner, userOptions, apiUrl) => ({ JUPYTERHUB_FLAVORS_UPDATE_URL: apiUrl + '/outpostflavors/here' });
export const customUserOptions = async (spawner, userOptions) => ({ ...userOptions, image: 'lab:' + userOptions.size });
export const customMisc = (spawner, userOptions) => ({ image: userOptions.image });
export const extraLabels = (spawner) => ({ 'hub.jupyter.org/servername': spawner.name });
export const port = () => globalThis.hubtrayLabPort;
export const interval = () => 1200;
export const noFirstEvent = () => false;
export const sync = () => false;
export function filterEvents(spawner, event) {
  if (event.message === 'Spawning server...') return {};
  return { ...event, html_message: '<b>' + event.message + '</b>' };
}
export const ready = (spawner, event) => ({ ...event, html_message: 'Server ' + spawner.name + ' is ready for ' + spawner.user.name });
export const posted = (spawner, response) => seen('post_spawn_request_hook', response);
export const failed = (spawner, error) => seen('failed_spawn_request_hook', error.message);
export const startResponse = (spawner, service) => (seen('update_start_response', service), service);
export const expectedPath = (spawner, url) => (seen('update_expected_path', url), url);
export const node = async (spawner, portForwardInfo) => 'outpost-internal-name';
export const mapNode = (spawner, node) => (node === 'outpost-internal-name' ? 'node' : node);
export const nobody = () => null;
export const cancelling = async (spawner) => ({ progress: 99, html_message: 'Cancelling ' + spawner.name });
export function explodes() { throw new Error('boom'); }
export const applyOptions = (spawner, userOptions) => ({ custom_env: { JUPYTERHUB_SIZE: String(userOptions.size) } });
export const gpuLabels = (spawner) => ({ tier: 'gpu-' + spawner.name });
`;

let rig: OutpostRig;
let sshd: Sshd;
let client: ClientConfig;

beforeAll(async () => {
  globalThis.hubtrayHookCalls = [];
  globalThis.hubtrayLabPort = await freePort();
  sshd = await startSshd();
  client = await writeClientConfig([{ alias: 'node', sshd }]);
  process.env.HUBTRAY_SSH_CONFIG = client.configPath;
  rig = await outpostRig(
    {
      hooked: {
        request_url: { hook: 'requestUrl' },
        request_headers: { hook: 'headers' },
        check_allowed: { hook: 'checkAllowed' },
        custom_env: { hook: 'customEnv' },
        custom_user_options: { hook: 'customUserOptions' },
        custom_misc: { hook: 'customMisc' },
        extra_labels: { hook: 'extraLabels' },
        custom_port: { hook: 'port' },
        custom_poll_interval: { hook: 'interval' },
        show_first_default_event: { hook: 'noFirstEvent' },
        start_async: { hook: 'sync' },
        filter_events: { hook: 'filterEvents' },
        progress_ready_hook: { hook: 'ready' },
        post_spawn_request_hook: { hook: 'posted' },
        update_start_response: { hook: 'startResponse' },
        update_expected_path: { hook: 'expectedPath' },
        ssh_node: { hook: 'node' },
        ssh_node_mapping: { hook: 'mapNode' },
        ssh_username: { hook: 'nobody' },
        poll_interval: 30,
        options_form: { fields: [{ name: 'size', type: 'number' }] },
      },
      unreachable: { request_url: 'http://127.0.0.1:9/services', request_headers: { Authorization: 'Basic eDp5' }, failed_spawn_request_hook: { hook: 'failed' } },
      broken: { check_allowed: { hook: 'explodes' } },
      missing: { check_allowed: { hook: 'notThere' } },
      cancelled: { custom_misc: { cmd: ['/bin/sleep', '300'] }, cancelling_event: { hook: 'cancelling' } },
      profiles: {
        groups: ['big'],
        group_overrides: {
          '02-big': { groups: ['big'], spawner_override: { custom_misc: { mem: '64G' }, environment: { JUPYTERHUB_BIG: 'yes' } } },
          '01-gpu': { groups: ['gpu'], spawner_override: { custom_misc: { gpus: 1 }, extra_labels: { hook: 'gpuLabels' } } },
          '03-never': { groups: ['nobody'], spawner_override: { custom_misc: { never: true } } },
        },
        apply_user_options_hook: { hook: 'applyOptions' },
        options_form: {
          fields: [
            { name: 'size', type: 'number' },
            { name: 'groups', type: 'select', multiple: true, choices: [{ value: 'gpu' }] },
          ],
        },
      },
    },
    { hooks, allowOverride: ['cmd'] },
  );
  globalThis.hubtrayOutpostUrl = rig.outpost.requestUrl;
});

afterAll(async () => {
  await rig?.close();
  await Promise.all([sshd?.stop(), client?.cleanup()]);
  delete process.env.HUBTRAY_SSH_CONFIG;
});

it('takes every value from its hook: URL, headers, env, user options, misc, port, events, the SSH node', async () => {
  const { h } = rig;
  await h.hub.start({ system: 'hooked', name: 'hk1', options: { size: 3 } });
  const running = await h.waitFor('hk1', ['running', 'failed']);
  expect(running.reason).toBeNull();
  // ssh_node's hook named a node that ssh_node_mapping's hook mapped to the sshd alias: the tunnel goes through it.
  expect(running.tunnel.state).toBe('connected');

  const [post] = rig.sent('POST', '/services');
  expect(post?.headers['x-lab']).toBe('hk1');
  expect(post?.headers['execution-type']).toBeUndefined();
  const body = rig.starts()[0] as { env: Record<string, string>; user_options: Record<string, unknown>; misc: Record<string, unknown> };
  expect(body.env.JUPYTERHUB_FLAVORS_UPDATE_URL).toBe(`${body.env.JUPYTERHUB_API_URL}/outpostflavors/here`);
  expect(body.user_options).toMatchObject({ size: 3, image: 'lab:3' });
  expect(body.misc).toMatchObject({ image: 'lab:3', port: globalThis.hubtrayLabPort, extra_labels: { 'hub.jupyter.org/servername': 'hk1' } });

  const messages = running.events.map((e) => e.message);
  expect(messages).not.toContain('Spawning server...');
  // Only the Outpost's "Server requested" (filtered into bold): show_first_default_event's is off.
  expect(running.events.filter((e) => e.message === 'Server requested').map((e) => e.html_message)).toEqual(['<b>Server requested</b>']);
  expect(running.events.at(-1)).toMatchObject({ ready: true, progress: 100, html_message: expect.stringMatching(/^Server hk1 is ready for /) });

  const service = rig.outpost.rows()[0]?.service as string;
  expect(globalThis.hubtrayHookCalls).toEqual([
    ['post_spawn_request_hook', { status: 200, service }],
    ['update_start_response', service],
    ['update_expected_path', `http://${service}/user/${body.env.JUPYTERHUB_USER}/hk1/`],
  ]);
  // custom_poll_interval's hook says 1200 ms, over poll_interval's 30 s.
  const path = `/services/hk1/${body.user_options.start_id as string}`;
  await eventually(() => rig.outpost.requests.filter((r) => r.method === 'GET' && r.path === path).length >= 2, 'polls every 1.2 s', 8000);
  await h.hub.stop({ name: 'hk1' });
});

it('refuses a start check_allowed raises for, before anything is sent', async () => {
  const posts = rig.starts().length;
  await rig.h.hub.start({ system: 'hooked', name: 'hk2', options: { size: 5 } });
  const failed = await rig.h.waitFor('hk2', ['failed', 'running']);
  expect(failed.reason).toMatch(/^hook check_allowed \(.*hooks\.mjs: export checkAllowed\) failed: size 5 is too big here$/);
  expect(rig.starts()).toHaveLength(posts);
});

it('names the setting and the export of a hook that throws or is missing', async () => {
  await rig.h.hub.start({ system: 'broken', name: 'hk3' });
  expect((await rig.h.waitFor('hk3', ['failed'])).reason).toMatch(/^hook check_allowed \(.*hooks\.mjs: export explodes\) failed: boom$/);
  await rig.h.hub.start({ system: 'missing', name: 'hk4' });
  expect((await rig.h.waitFor('hk4', ['failed'])).reason).toMatch(/hooks\.mjs has no exported function named notThere$/);
});

it('runs failed_spawn_request_hook when the start request fails', async () => {
  await rig.h.hub.start({ system: 'unreachable', name: 'hk5' });
  const failed = await rig.h.waitFor('hk5', ['failed']);
  expect(failed.reason).toContain('start request to http://127.0.0.1:9/services failed: connect ECONNREFUSED');
  expect(globalThis.hubtrayHookCalls.at(-1)).toEqual(['failed_spawn_request_hook', failed.reason?.split('\n')[0]]);
});

it('shows cancelling_event when the user cancels', async () => {
  await rig.h.hub.start({ system: 'cancelled', name: 'hk6' });
  await eventually(() => rig.outpost.rows().some((r) => r.name === 'hk6' && r.pid !== undefined), 'the lab process');
  await rig.h.hub.cancel({ name: 'hk6' });
  const cancelled = await rig.h.waitFor('hk6', ['cancelled', 'failed']);
  expect(cancelled.events.some((e) => e.html_message === 'Cancelling hk6')).toBe(true);
  expect(rig.outpost.rows().some((r) => r.name === 'hk6')).toBe(false);
});

it('applies group_overrides for the groups that apply, as named profiles, then apply_user_options_hook', async () => {
  const system = (await rig.h.hub.listSystems()).find((s) => s.name === 'profiles');
  expect(system?.form.fields.find((f) => f.name === 'groups')).toMatchObject({ type: 'select', multiple: true, choices: [{ value: 'big' }, { value: 'gpu' }, { value: 'nobody' }] });
  await rig.h.hub.start({ system: 'profiles', name: 'hk7', options: { size: 7, groups: ['gpu'] } });
  await rig.h.waitFor('hk7', ['running', 'failed']);
  const body = rig.starts().at(-1) as { env: Record<string, string>; misc: Record<string, unknown> };
  // 01-gpu (picked in the form), then 02-big (the system's own group); 03-never is no group of this start.
  expect(body.misc).toMatchObject({ gpus: 1, mem: '64G', extra_labels: { tier: 'gpu-hk7' } });
  expect(body.misc).not.toHaveProperty('never');
  expect(body.env).toMatchObject({ JUPYTERHUB_BIG: 'yes', JUPYTERHUB_SIZE: '7' });
  await rig.h.hub.stop({ name: 'hk7' });
});
