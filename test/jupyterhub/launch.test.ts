// jupyterhub systems end to end against a real JupyterHub 3.0.0 (Debian) with configurable-http-proxy from npm,
// DummyAuthenticator and SimpleLocalProcessSpawner on 127.0.0.1: launches the Launcher's way, progress, failures,
// the named-server limit, servers started on the hub itself, and token login by password.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../shared/api.js';
import { Keychain } from '../../electron/core/secrets/keychain.js';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { HUB_PASSWORD, startJupyterHub, type JupyterHubFixture } from '../fixtures/jupyterhub.js';

let hub: JupyterHubFixture;
let h: HubHarness;
let aliceToken: string;

const form = {
  fields: [
    { name: 'profile', type: 'text' },
    { name: 'delay', type: 'number' },
    { name: 'fail', type: 'text' },
    { name: 'server', type: 'text' },
  ],
};

beforeAll(async () => {
  hub = await startJupyterHub();
  aliceToken = await hub.userToken('alice');
  await hub.api('POST', 'users/bob');
  const base = { kind: 'jupyterhub', hub_url: hub.url, poll_interval: 0.5, retries: 2, retry_delay: 0.2, options_form: form };
  h = await openHub(
    makeHome({
      systems: {
        uni: { ...base, allow_named_servers: true, remove_named_servers: true, apply_user_options: { server: 'server_name' } },
        slow: { ...base, launch_timeout: 2, start_timeout: 30 },
        limited: { ...base, allow_named_servers: true, named_server_limit_per_user: 1, server_name: 'another' },
        mallory: { ...base, user: 'alice' },
        bobs: { ...base, user: 'bob' },
      },
    }),
  );
  await h.hub.setSecret({ key: `jupyterhub-token/${hub.url}`, value: aliceToken });
  await h.hub.setSecret({ key: `jupyterhub-token/alice@${hub.url}`, value: 'not-a-token-the-hub-knows' });
});

afterAll(async () => {
  await h?.close();
  if (h) removeHome(h.home);
  await hub?.stop();
});

const progressOf = (name: string): ProgressEvent[] =>
  h.events.flatMap((e) => (e.event === 'progress' && e.data.name === name ? [e.data.event] : []));

async function hubServers(user: string): Promise<Record<string, { ready: boolean; pending: string | null; user_options: object }>> {
  return (await hub.api('GET', `users/${user}?include_stopped_servers`)).json.servers;
}

/** Waits for the hub's own spawn to finish: its own time, apart from the time hubtray takes to find the server. */
async function hubStarted(user: string, server: string): Promise<void> {
  await expect.poll(async () => (await hubServers(user))[server]?.ready ?? false, { timeout: 150_000, interval: 500 }).toBe(true);
}

/** GET with a cookie jar of one, following redirects by hand, as a browser would. */
async function browse(url: string, cookies: Map<string, string>): Promise<number> {
  for (let hops = 0; ; hops++) {
    const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await request(url, { headers: cookie ? { cookie } : {} });
    await res.body.dump();
    const set = res.headers['set-cookie'];
    for (const line of Array.isArray(set) ? set : set ? [set] : []) {
      const [pair = ''] = line.split(';');
      cookies.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    if (res.statusCode < 300 || res.statusCode >= 400 || hops > 5) return res.statusCode;
    url = new URL(res.headers.location as string, url).toString();
  }
}

describe('jupyterhub system', () => {
  it('launches the default server with options, relays the hub progress in order, opens it logged in, and stops it', async () => {
    await h.hub.start({ system: 'uni', name: 'mine', options: { profile: 'small', delay: 1 } });
    const running = await h.waitFor('mine', ['running', 'failed']);
    expect(running.reason).toBeNull();
    expect(running.url).toBe(`${hub.url}user/alice/`);
    expect((await hubServers('alice'))['']).toMatchObject({ ready: true, user_options: { profile: 'small', delay: 1 } });

    const events = progressOf('mine');
    const percents = events.map((e) => e.progress);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
    const messages = events.map((e) => e.message);
    const hubSaid = ['Server requested', 'Spawning server...'].map((m) => messages.indexOf(m));
    expect(hubSaid[0]).toBeGreaterThan(0);
    expect(hubSaid[1]).toBeGreaterThan(hubSaid[0] as number);
    expect(events.at(-1)).toMatchObject({ progress: 100, ready: true });

    const { url, note } = await h.hub.open({ name: 'mine' });
    expect(note).toBeUndefined();
    const opened = new URL(url);
    expect(opened.pathname).toBe('/user/alice/');
    // The server's own token, not the API token: it gives access to this one server only.
    const serverToken = opened.searchParams.get('token') as string;
    expect(serverToken).not.toBe(aliceToken);
    // A browser that followed the URL is logged in: the next request carries only the cookie it was given.
    const cookies = new Map<string, string>();
    await browse(new URL(`api/status?token=${serverToken}`, running.url!).toString(), cookies);
    expect(await browse(new URL('api/contents', running.url!).toString(), cookies)).toBe(200);

    const stopped = await h.hub.stop({ name: 'mine' });
    expect(stopped.status).toBe('stopped');
    expect((await hubServers('alice'))['']).toMatchObject({ ready: false, pending: null });
    // The server's token went with it.
    const status = await request(`${hub.url}hub/api/user`, { headers: { authorization: `token ${serverToken}` } });
    await status.body.dump();
    expect(status.statusCode).toBe(403);
  });

  it('launches a named server chosen in the form, sends the hub only the options meant for it, and removes it on stop', async () => {
    await h.hub.start({ system: 'uni', name: 'work', options: { server: 'work', profile: 'big' } });
    const running = await h.waitFor('work', ['running', 'failed']);
    expect(running.reason).toBeNull();
    expect(running.url).toBe(`${hub.url}user/alice/work/`);
    expect((await hubServers('alice')).work?.user_options).toEqual({ profile: 'big' });
    await h.hub.stop({ name: 'work' });
    expect(await hubServers('alice')).not.toHaveProperty('work');
  });

  it('shows a failed spawn with the hub’s own message', async () => {
    await h.hub.start({ system: 'uni', name: 'broken', options: { fail: 'no GPUs left' } });
    const failed = await h.waitFor('broken', ['failed', 'running']);
    expect(failed.status).toBe('failed');
    expect(failed.reason).toContain("the hub could not start alice's default server");
    expect(failed.reason).toContain('requested failure: no GPUs left');
    expect(progressOf('broken').at(-1)).toMatchObject({ failed: true });
  });

  it('gives up after launch_timeout and leaves nothing running on the hub', async () => {
    await h.hub.start({ system: 'slow', name: 'sluggish', options: { delay: 5 } });
    const failed = await h.waitFor('sluggish', ['failed', 'running'], 30_000);
    expect(failed.reason).toBe('the hub did not have the server ready within launch_timeout (2 s)');
    const server = (await hubServers('alice'))[''];
    expect(server?.ready).toBe(false);
    expect(server?.pending).toBeNull();
  });

  it('refuses a named server past named_server_limit_per_user, counting stopped ones as the hub does', async () => {
    expect((await hub.api('POST', 'users/alice/servers/old')).status).toBe(202);
    // Ready, then stopped (kept in the user's model, as the hub keeps a stopped named server): on a loaded machine
    // either step can take seconds, and the check must see the server stopped, not still pending.
    for (let i = 0; i < 300 && !(await hubServers('alice')).old?.ready; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await hubServers('alice')).old?.ready).toBe(true);
    await hub.api('DELETE', 'users/alice/servers/old');
    for (let i = 0; i < 300; i++) {
      const old = (await hubServers('alice')).old;
      if (old && !old.ready && old.pending === null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await hubServers('alice')).old).toMatchObject({ ready: false, pending: null });
    await h.hub.start({ system: 'limited', name: 'one-too-many' });
    const failed = await h.waitFor('one-too-many', ['failed', 'running', 'lost']);
    expect(failed.status, failed.reason ?? '').toBe('failed');
    expect(failed.reason).toMatch(/alice already has 1 named servers on the hub \(old\), and named_server_limit_per_user is 1/);
    expect(await hubServers('alice')).not.toHaveProperty('another');
    await hub.api('DELETE', 'users/alice/servers/old', { remove: true });
  });

  it('leaves a named server stopped on the hub itself in place, though its system removes the ones hubtray stops', async () => {
    expect((await hub.api('POST', 'users/alice/servers/theirs')).status).toBe(202);
    await hubStarted('alice', 'theirs');
    expect((await h.waitFor('uni-theirs', ['running'], 60_000)).status).toBe('running');
    expect((await hub.api('DELETE', 'users/alice/servers/theirs')).status).toBeLessThan(300);
    const ended = await h.waitFor('uni-theirs', ['stopped', 'failed', 'lost'], 60_000);
    expect(ended.status).toBe('stopped');
    // hubtray's clean-up after the exit has run (the server is stopped in its list): the hub still has it, stopped.
    expect((await hubServers('alice')).theirs).toMatchObject({ ready: false, pending: null });
    await hub.api('DELETE', 'users/alice/servers/theirs', { remove: true });
  }, 300_000);

  it('lists a server started on the hub itself, opens it and stops it', async () => {
    expect((await hub.api('POST', 'users/alice/servers/elsewhere', { profile: 'web' })).status).toBe(202);
    await hubStarted('alice', 'elsewhere');
    // Found by discovery, once the hub has started it: seconds on a loaded machine.
    const found = await h.waitFor('uni-elsewhere', ['running'], 60_000);
    expect(found.url).toBe(`${hub.url}user/alice/elsewhere/`);
    expect(found.userOptions).toEqual({ profile: 'web' });
    const { url } = await h.hub.open({ name: 'uni-elsewhere' });
    const res = await request(new URL(`api/status?token=${new URL(url).searchParams.get('token')}`, found.url!));
    await res.body.dump();
    expect(res.statusCode).toBe(200);
    await h.hub.stop({ name: 'uni-elsewhere' });
    expect(await hubServers('alice')).not.toHaveProperty('elsewhere');
    // Listed once, under one name, though two systems share the hub.
    expect((await h.hub.listServers()).filter((s) => s.userOptions.profile === 'web').map((s) => s.name)).toEqual(['uni-elsewhere']);
  }, 300_000);

  it('reports a token the hub refuses as a 403 and says what to do', async () => {
    await h.hub.start({ system: 'mallory', name: 'refused' });
    const failed = await h.waitFor('refused', ['failed', 'running']);
    expect(failed.reason).toMatch(/the hub refused the API token \(403/);
    expect(failed.reason).toContain(`hubtray secret set jupyterhub-token/alice@${hub.url}`);
    expect(failed.reason).not.toContain('not-a-token-the-hub-knows');
  });

  it('without a token, logs in with a password, keeps the new token in the keychain only, and launches', async () => {
    await h.hub.start({ system: 'bobs', name: 'bobs' });
    const prompt = await waitForPrompt();
    expect(prompt.questions.map((q) => q.echo)).toEqual([true, false]);
    await h.hub.answerPrompt({ id: prompt.id, answers: ['bob', HUB_PASSWORD] });
    const running = await h.waitFor('bobs', ['running', 'failed']);
    expect(running.reason).toBeNull();
    expect(running.url).toBe(`${hub.url}user/bob/`);
    const tokens = (await hub.api('GET', 'users/bob/tokens')).json.api_tokens as Array<{ note: string }>;
    expect(tokens.map((t) => t.note)).toContain('hubtray');
    const token = (await new Keychain().get(`jupyterhub-token/bob@${hub.url}`)) as string;
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    for (const secret of [HUB_PASSWORD, token]) {
      for (const file of ['state.json', 'config.json', join('logs', 'hub.log')]) expect(readFileSync(join(h.home, file), 'utf8')).not.toContain(secret);
      expect(JSON.stringify(h.events)).not.toContain(secret);
    }
    await h.hub.stop({ name: 'bobs' });
  });
});

async function waitForPrompt() {
  for (let i = 0; i < 100; i++) {
    const [prompt] = await h.hub.pendingPrompts();
    if (prompt) return prompt;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no password prompt appeared');
}
