// Conformance, the start (reference §1 "Start body" and §2): what POST /services carries, key for key; a synchronous
// and an asynchronous start; the personal hub's token for the lab; and failed or cancelled starts, which leave
// nothing running at the Outpost.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { Keychain } from '../../electron/core/secrets/keychain.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pidAlive } from '../fixtures/hub-harness.js';
import { STAND_IN_HUB, STAND_IN_PASSWORD } from '../fixtures/outpost-stand-in.js';
import { eventually, outpostRig, recordedActivity, type OutpostRig } from './helpers.js';

let rig: OutpostRig;
const ACTIVITY_INTERVAL_SECONDS = 1;
const scratch = mkdtempSync(join(tmpdir(), 'hubtray-certs-'));
/** A stand-in PEM file: only its text travels, nothing checks it. */
function pem(name: string): string {
  const file = join(scratch, `${name}.pem`);
  writeFileSync(file, `-----BEGIN ${name.toUpperCase()}-----\n${name}\n-----END ${name.toUpperCase()}-----\n`);
  return file;
}
const basic = `Basic ${Buffer.from(`${STAND_IN_HUB}:${STAND_IN_PASSWORD}`).toString('base64')}`;

beforeAll(async () => {
  rig = await outpostRig(
    {
      sync: {
        default_url: '/tree',
        environment: { JUPYTERHUB_STAGE: 'test', PATH: '/opt/bin', SECRET_THING: 'no' },
        custom_env: { EXTRA_VAR: 'kept' },
        custom_misc: { image: 'lab:1', port: 1 },
        extra_labels: { team: 'a' },
        options_form: { fields: [{ name: 'flavor', type: 'text' }, { name: 'size', type: 'number' }] },
      },
      bare: { custom_misc_disable_default: true, custom_misc: { image: 'lab:2' } },
      // jupyterhub-singleuser reports every JUPYTERHUB_ACTIVITY_INTERVAL seconds (300 by default).
      reporting: { custom_env: { JUPYTERHUB_ACTIVITY_INTERVAL: String(ACTIVITY_INTERVAL_SECONDS) } },
      async: { start_async: true },
      badcmd: { custom_misc: { cmd: ['/no/such/lab'] } },
      badcmdasync: { start_async: true, custom_misc: { cmd: ['/no/such/lab'] } },
      deaf: { custom_misc: { cmd: ['/bin/sleep', '300'] }, http_timeout: 2 },
      certs: { certs: { keyfile: pem('key'), certfile: pem('cert'), cafile: pem('ca') }, additional_cafile: pem('extra-ca'), custom_misc: { cmd: ['/bin/sleep', '300'] }, http_timeout: 1 },
    },
    // Its labs post their address after an asynchronous start, as the lab wrapper of docs/outpost.md does.
    { allowOverride: ['cmd'], labReportsAddress: true },
  );
});

afterAll(async () => {
  await rig?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('a synchronous start', () => {
  it('sends name, the filtered env, user options with a fresh start_id, the default misc and certs; the lab runs', async () => {
    const { h, outpost } = rig;
    await h.hub.start({ system: 'sync', name: 'lab1', options: { size: 2 } });
    const running = await h.waitFor('lab1', ['running', 'failed']);
    expect(running.reason).toBeNull();
    expect(running.events.map((e) => e.message)).toEqual(expect.arrayContaining(['Server requested', 'Spawning server...', 'Outpost communication successful.']));

    const [post] = rig.sent('POST', '/services');
    expect(post?.headers['content-type']).toBe('application/json');
    expect(post?.headers.accept).toBe('application/json');
    expect(post?.headers.authorization).toBe(basic);
    expect(post?.headers['execution-type']).toBeUndefined();
    const body = rig.starts()[0] as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['certs', 'env', 'internal_trust_bundles', 'misc', 'name', 'user_options']);
    expect(body.name).toBe('lab1');
    expect(body.certs).toEqual({});
    expect(body.internal_trust_bundles).toEqual({});

    const userOptions = body.user_options as Record<string, unknown>;
    expect(userOptions).toEqual({ size: 2, start_id: expect.stringMatching(/^[0-9a-f]{32}$/) });

    // Only JUPYTER_/JUPYTERHUB_ keys of the environment go; custom_env is added after that filter.
    const env = body.env as Record<string, string>;
    for (const key of Object.keys(env)) if (key !== 'EXTRA_VAR') expect(key).toMatch(/^JUPYTER(HUB)?_/);
    expect(env).toMatchObject({ JUPYTERHUB_STAGE: 'test', EXTRA_VAR: 'kept', JUPYTERHUB_USER_ID: '1', JUPYTERHUB_SERVER_NAME: 'lab1', JUPYTERHUB_DEFAULT_URL: '/tree' });
    expect(env).not.toHaveProperty('PATH');
    expect(env).not.toHaveProperty('SECRET_THING');
    const user = env.JUPYTERHUB_USER as string;
    const misc = body.misc as Record<string, unknown>;
    // The defaults win over custom_misc, as in OutpostSpawner.
    expect(misc).toEqual({
      image: 'lab:1',
      dns_name_template: '{name}.{namespace}.svc.cluster.local',
      pod_name_template: 'jupyter-{username}--{servername}',
      internal_ssl: false,
      port: expect.any(Number),
      services_enabled: true,
      extra_labels: { team: 'a' },
    });
    expect(misc.port).not.toBe(1);
    expect(env.JUPYTERHUB_SERVICE_URL).toBe(`http://0.0.0.0:${misc.port as number}/user/${user}/lab1/`);
    const api = env.JUPYTERHUB_API_URL as string;
    expect(env.JUPYTERHUB_EVENTS_URL).toBe(`${api}/users/progress/events/${user}/lab1`);
    expect(env.JUPYTERHUB_SETUPTUNNEL_URL).toBe(`${api}/users/setuptunnel/${user}/lab1`);
    expect(env.JUPYTERHUB_ACTIVITY_URL).toBe(`${api}/users/${user}/activity`);
    expect(env.JUPYTERHUB_OAUTH_CALLBACK_URL).toBe(`/user/${user}/lab1/oauth_callback`);
    expect(JSON.parse(env.JUPYTERHUB_OAUTH_ACCESS_SCOPES as string)).toEqual([`access:servers!server=${user}/lab1`, `access:servers!user=${user}`]);
    expect(env.JUPYTERHUB_CLIENT_ID).toBe(`jupyterhub-user-${user}-lab1`);

    // The lab's own token is known to the personal hub while the server runs, with its owner and scopes.
    const token = env.JUPYTERHUB_API_TOKEN as string;
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    const me = await request(`${api}/user`, { headers: { authorization: `token ${token}` } });
    expect(me.statusCode).toBe(200);
    expect(await me.body.json()).toMatchObject({ kind: 'user', name: user, scopes: expect.arrayContaining([`access:servers!server=${user}/lab1`]) });
    const version = await request(`${api}/`);
    expect(version.headers['x-jupyterhub-version']).toBeDefined();
    expect(await version.body.json()).toEqual({ version: expect.any(String) });

    const startId = userOptions.start_id as string;
    await eventually(() => rig.sent('GET', `/services/lab1/${startId}`).length > 0, 'a poll');
    const pid = outpost.rows()[0]?.pid as number;
    await h.hub.stop({ name: 'lab1' });
    expect(rig.sent('DELETE', `/services/lab1/${startId}`)).toHaveLength(1);
    expect(outpost.rows()).toEqual([]);
    await eventually(() => !pidAlive(pid), 'the lab to exit');
    // Stopping revoked the token.
    const after = await request(`${api}/user`, { headers: { authorization: `token ${token}` } });
    await after.body.dump();
    expect(after.statusCode).toBe(403);

    // A new start of the same server gets a new start_id.
    await h.hub.start({ system: 'sync', name: 'lab1' });
    await h.waitFor('lab1', ['running', 'failed']);
    const second = (rig.starts()[1]?.user_options as Record<string, unknown>).start_id;
    expect(second).toMatch(/^[0-9a-f]{32}$/);
    expect(second).not.toBe(startId);
    await h.hub.stop({ name: 'lab1' });
  });

  it('sends certs as PEM text (with additional_cafile) and internal_ssl in misc', async () => {
    const { h, outpost } = rig;
    await h.hub.start({ system: 'certs', name: 'tls1' });
    await eventually(() => rig.starts().some((b) => b.name === 'tls1'), 'the start request');
    const body = rig.starts().find((b) => b.name === 'tls1') as Record<string, unknown>;
    expect(body.certs).toEqual({
      keyfile: '-----BEGIN KEY-----\nkey\n-----END KEY-----\n',
      certfile: '-----BEGIN CERT-----\ncert\n-----END CERT-----\n',
      cafile: '-----BEGIN CA-----\nca\n-----END CA-----\n-----BEGIN EXTRA-CA-----\nextra-ca\n-----END EXTRA-CA-----\n',
    });
    expect(body.misc).toMatchObject({ internal_ssl: true });
    // These PEM files hold no certificates: the lab's TLS relay (tls.test.ts has real ones) refuses them, and the start
    // is stopped at the Outpost.
    expect((await h.waitFor('tls1', ['failed', 'running'])).reason).toMatch(/^certs: hubtray cannot use these files for TLS to the lab: /);
    expect(outpost.rows()).toEqual([]);
  });

  it('sends custom_misc alone with custom_misc_disable_default; a flavor goes where an Outpost without flavors accepts it', async () => {
    const { h } = rig;
    await h.hub.start({ system: 'bare', name: 'bare1', options: { flavor: 'whatever' } });
    expect((await h.waitFor('bare1', ['running', 'failed'])).status).toBe('running');
    const body = rig.starts().at(-1) as Record<string, unknown>;
    expect(body.misc).toEqual({ image: 'lab:2' });
    expect(body.flavor).toBe('whatever');
    expect(body.user_options).toMatchObject({ flavor: 'whatever' });
    await h.hub.stop({ name: 'bare1' });
  });
});

describe("the lab's activity reports", () => {
  // What the idle culler reads of an outpost server besides the lab's own /api/status: a real jupyterhub-singleuser
  // posting to JUPYTERHUB_ACTIVITY_URL, to the personal hub, on its own schedule.
  it('reach the server the lab reports for, and follow the activity the lab saw within its interval', async () => {
    const { h } = rig;
    await h.hub.start({ system: 'reporting', name: 'active1' });
    const running = await h.waitFor('active1', ['running', 'failed']);
    expect(running.reason).toBeNull();
    // The lab's first report goes as it starts.
    await eventually(async () => (await recordedActivity(h, 'active1')) !== null, 'the first activity report', 10_000);
    const first = (await recordedActivity(h, 'active1')) as Date;
    expect(first.getTime()).toBeLessThanOrEqual(Date.now());

    // A request the lab counts as activity (api/contents; api/status is not counted): the next report carries it.
    const env = rig.starts().find((b) => b.name === 'active1')?.env as Record<string, string>;
    const usedAt = Date.now();
    const contents = await request(new URL('api/contents', running.url as string), { headers: { authorization: `token ${env.JUPYTERHUB_API_TOKEN}` } });
    await contents.body.dump();
    expect(contents.statusCode).toBe(200);
    // Within two intervals (the lab adds ±10 % jitter); with the default 300 s this would time out.
    await eventually(async () => ((await recordedActivity(h, 'active1'))?.getTime() ?? 0) > first.getTime(), 'a report of the later activity', 2 * ACTIVITY_INTERVAL_SECONDS * 1000 + 1000);
    const later = (await recordedActivity(h, 'active1')) as Date;
    // The lab's clock is this computer's: the reported time is that of the request (to the lab's millisecond).
    expect(later.getTime()).toBeGreaterThanOrEqual(usedAt - 1000);
    expect(later.getTime()).toBeLessThanOrEqual(Date.now());
    await h.hub.stop({ name: 'active1' });
  });
});

describe('an asynchronous start', () => {
  it('sends execution-type: async, takes the 202, and gets the address through the setup-tunnel callback', async () => {
    const { h, outpost } = rig;
    const before = outpost.requests.length;
    await h.hub.start({ system: 'async', name: 'bg1' });
    const running = await h.waitFor('bg1', ['running', 'failed']);
    expect(running.reason).toBeNull();
    const post = outpost.requests.slice(before).find((r) => r.method === 'POST');
    expect(post?.headers['execution-type']).toBe('async');
    expect(new URL(running.url as string).port).toBe(outpost.rows()[0]?.service.split(':')[1]);
    await h.hub.stop({ name: 'bg1' });
    expect(outpost.rows()).toEqual([]);
  });
});

describe('a failed start leaves nothing running at the Outpost', () => {
  it('shows the 419 body as module and class with the args', async () => {
    const { h, outpost } = rig;
    await h.hub.start({ system: 'badcmd', name: 'bad1' });
    const failed = await h.waitFor('bad1', ['failed', 'running']);
    expect(failed.status).toBe('failed');
    expect(failed.reason).toContain("FileNotFoundError: [Errno 2] No such file or directory: '/no/such/lab'");
    expect(failed.reason).not.toContain('builtins');
    expect(outpost.rows()).toEqual([]);
  });

  it('ends an asynchronous start at the Outpost’s failed event', async () => {
    const { h, outpost } = rig;
    await h.hub.start({ system: 'badcmdasync', name: 'bad2' });
    const failed = await h.waitFor('bad2', ['failed', 'running']);
    expect(failed.status).toBe('failed');
    expect(failed.reason).toContain('the Outpost reports that the start failed: ');
    expect(failed.reason).toContain('JupyterHub Outpost could not start service');
    expect(failed.events.some((e) => e.failed && e.html_message?.includes('could not start service'))).toBe(true);
    expect(outpost.rows()).toEqual([]);
  });

  it('stops a lab that never answers HTTP (http_timeout)', async () => {
    const { h, outpost } = rig;
    await h.hub.start({ system: 'deaf', name: 'deaf1' });
    await eventually(() => outpost.rows().some((r) => r.name === 'deaf1' && r.pid !== undefined), 'the lab process');
    const pid = outpost.rows().find((r) => r.name === 'deaf1')?.pid as number;
    const failed = await h.waitFor('deaf1', ['failed', 'running']);
    expect(failed.reason).toContain('did not answer HTTP within HTTP timeout [http_timeout]');
    expect(outpost.rows()).toEqual([]);
    await eventually(() => !pidAlive(pid), 'the lab to be stopped');
    // Nothing on this side either: the token is out of the keychain and the personal hub.
    const env = rig.starts().find((b) => b.name === 'deaf1')?.env as Record<string, string>;
    expect(await new Keychain().get('server-token/deaf1')).toBeNull();
    const me = await request(`${env.JUPYTERHUB_API_URL}/user`, { headers: { authorization: `token ${env.JUPYTERHUB_API_TOKEN}` } });
    await me.body.dump();
    expect(me.statusCode).toBe(403);
  });

  it('stops a start the user cancels', async () => {
    const { h, outpost } = rig;
    await h.hub.start({ system: 'deaf', name: 'deaf2' });
    await eventually(() => outpost.rows().some((r) => r.name === 'deaf2' && r.pid !== undefined), 'the lab process');
    await h.hub.cancel({ name: 'deaf2' });
    const cancelled = await h.waitFor('deaf2', ['cancelled', 'failed']);
    expect(cancelled.status).toBe('cancelled');
    expect(outpost.rows()).toEqual([]);
  });
});
