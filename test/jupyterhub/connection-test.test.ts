// "Test connection" for jupyterhub systems against real JupyterHub 3.0.0 hubs: the version, whose token it is and
// its scopes, whether the hub allows named servers, and clear failures for an unreachable hub, a
// refused token and an untrusted certificate. Without a token it offers the password login, and the secrets it
// handles reach no file, event, message or argv.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionReport } from '../../shared/api.js';
import { Keychain } from '../../electron/core/secrets/keychain.js';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { HUB_PASSWORD, startJupyterHub, type JupyterHubFixture } from '../fixtures/jupyterhub.js';
import { freePort } from '../fixtures/ports.js';

let hub: JupyterHubFixture;
let plainHub: JupyterHubFixture;
let tlsHub: JupyterHubFixture;
let h: HubHarness;
let aliceToken: string;
const reports: ConnectionReport[] = [];

async function check(settings: Record<string, unknown>): Promise<ConnectionReport> {
  const report = await h.hub.testConnection({ settings: { kind: 'jupyterhub', ...settings } });
  reports.push(report);
  return report;
}

beforeAll(async () => {
  [hub, plainHub, tlsHub] = await Promise.all([startJupyterHub(), startJupyterHub({ namedServers: false }), startJupyterHub({ tls: true })]);
  aliceToken = await hub.userToken('alice');
  await hub.api('POST', 'users/bob');
  h = await openHub(makeHome({}));
  await h.hub.setSecret({ key: `jupyterhub-token/${hub.url}`, value: aliceToken });
  await h.hub.setSecret({ key: `jupyterhub-token/${plainHub.url}`, value: await plainHub.userToken('carol') });
  await h.hub.setSecret({ key: `jupyterhub-token/mallory@${hub.url}`, value: 'not-a-token-the-hub-knows' });
});

afterAll(async () => {
  await h?.close();
  if (h) removeHome(h.home);
  await Promise.all([hub?.stop(), plainHub?.stop(), tlsHub?.stop()]);
});

describe('Test connection on a jupyterhub system', () => {
  it('reports the version, the token’s owner and scopes, and named servers against the limit set here, changing nothing', async () => {
    expect((await hub.api('POST', 'users/alice/servers/one')).status).toBe(202);
    const before = (await hub.api('GET', 'users/alice?include_stopped_servers')).json.servers;
    const report = await check({ hub_url: hub.url, allow_named_servers: true, named_server_limit_per_user: 1 });
    expect(report.ok).toBe(true);
    expect(report.message).toMatch(new RegExp(`^Reached JupyterHub 3\\.0\\.0 at ${hub.url}\\. The API token is alice's \\(scopes: [^)]*servers!user=alice[^)]*\\)\\. `));
    expect(report.message).toContain("Named servers are on; alice has 1 (the hub's API does not show its own limit; named_server_limit_per_user here is 1, so hubtray starts no new one until one is removed).");
    expect((await hub.api('GET', 'users/alice?include_stopped_servers')).json.servers).toEqual(before);
    await hub.api('DELETE', 'users/alice/servers/one', { remove: true });
  });

  it('says when the hub has named servers off, and that this matters when the system wants them', async () => {
    const off = await check({ hub_url: plainHub.url });
    expect(off).toMatchObject({ ok: true, message: expect.stringContaining('The hub has named servers off.') });
    const wanted = await check({ hub_url: plainHub.url, allow_named_servers: true });
    expect(wanted.ok).toBe(false);
    expect(wanted.message).toContain('The hub has named servers off, but allow_named_servers is on here: a named server would be refused.');
  });

  it('checks a user an admin token acts for, and one the hub does not have', async () => {
    await h.hub.setSecret({ key: `jupyterhub-token/bob@${hub.url}`, value: hub.adminToken });
    const report = await check({ hub_url: hub.url, user: 'bob', allow_named_servers: true });
    expect(report.ok).toBe(true);
    expect(report.message).toContain("The API token is the service tester's");
    expect(report.message).toContain("Named servers are on; bob has 0 (the hub's API does not show its own limit; no limit is set here).");
    await h.hub.setSecret({ key: `jupyterhub-token/nobody@${hub.url}`, value: hub.adminToken });
    const missing = await check({ hub_url: hub.url, user: 'nobody' });
    expect(missing).toMatchObject({ ok: false, message: expect.stringContaining('The hub has no user nobody that this token can see: set create_user') });
    expect(await check({ hub_url: hub.url, user: 'nobody', create_user: true })).toMatchObject({ ok: true, message: expect.stringContaining('nobody is not on the hub yet; the first start creates them.') });
    expect((await hub.api('GET', 'users/nobody')).status).toBe(404);
  });

  it('reports a token the hub refuses (403) with what to do, without the token', async () => {
    const report = await check({ hub_url: hub.url, user: 'mallory' });
    expect(report.ok).toBe(false);
    expect(report.message).toMatch(/^The hub refused the API token \(403/);
    expect(report.message).toContain(`hubtray secret set jupyterhub-token/mallory@${hub.url}`);
    expect(report.message).not.toContain('not-a-token-the-hub-knows');
  });

  it('says when the token may not start servers', async () => {
    const reply = await hub.api('POST', 'users/alice/tokens', { note: 'read only', scopes: ['read:users!user=alice'] });
    await h.hub.setSecret({ key: `jupyterhub-token/alice@${hub.url}`, value: reply.json.token });
    const report = await check({ hub_url: hub.url, user: 'alice' });
    expect(report.ok).toBe(false);
    expect(report.message).toContain("The API token is alice's (scopes: read:users!user=alice, read:users:activity!user=alice, ");
    // Without delete:servers the hub will not answer the named-server question either.
    expect(report.message).toContain('The hub did not show whether it allows named servers.');
    expect(report.message).toContain('This token cannot start servers: it has no servers scope.');
  });

  it('reports a hub that cannot be reached, at once', async () => {
    const url = `http://127.0.0.1:${await freePort()}/`;
    const started = Date.now();
    const report = await check({ hub_url: url });
    expect(report).toEqual({ ok: false, message: expect.stringMatching(new RegExp(`^Could not reach the hub at ${url}hub/api/ to read its version: .*ECONNREFUSED`)) });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('reports a certificate it does not trust as such, with what to do, without retrying', async () => {
    expect(tlsHub.url).toMatch(/^https:/);
    const report = await check({ hub_url: tlsHub.url, retry_delay: 5 });
    expect(report.ok).toBe(false);
    expect(report.message).toMatch(/^Could not reach the hub at https:.* to read its version: its TLS certificate is not trusted \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)/);
    expect(report.message).toContain('NODE_EXTRA_CA_CERTS');
  });
});

describe('the password login a test or a start offers without a token', () => {
  const wrong = 'wrong-password-5d1e';

  it('refuses a password the hub does not accept, clearly, storing nothing', async () => {
    await hub.api('POST', 'users/bob2');
    const pending = check({ hub_url: hub.url, user: 'bob2' });
    await answerPrompt(['bob2', wrong]);
    const report = await pending;
    expect(report).toEqual({ ok: false, message: 'The hub did not accept the user name and password for bob2.' });
    expect(await new Keychain().get(`jupyterhub-token/bob2@${hub.url}`)).toBeNull();
  });

  it('creates a token with a password the hub accepts, keeps it in the keychain only, and uses it from then on', async () => {
    const pending = check({ hub_url: hub.url, user: 'bob2' });
    const prompt = await answerPrompt(['bob2', HUB_PASSWORD]);
    expect(prompt.questions.map((q) => q.echo)).toEqual([true, false]);
    const report = await pending;
    expect(report.ok).toBe(true);
    expect(report.message).toContain("The API token is bob2's");
    const token = (await new Keychain().get(`jupyterhub-token/bob2@${hub.url}`)) as string;
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect((await hub.api('GET', 'users/bob2/tokens')).json.api_tokens.map((t: { note: string }) => t.note)).toEqual(['hubtray']);
    // The next test asks nothing.
    expect((await check({ hub_url: hub.url, user: 'bob2' })).ok).toBe(true);
    expect(await h.hub.pendingPrompts()).toEqual([]);

    const secrets = [token, HUB_PASSWORD, wrong, aliceToken, hub.adminToken, 'not-a-token-the-hub-knows'];
    const places: Array<[string, string]> = [
      ['events', JSON.stringify(h.events)],
      ['reports', JSON.stringify(reports)],
      ...filesUnder(h.home).map((file): [string, string] => [file, readFileSync(file, 'latin1')]),
      ...processArgs(),
    ];
    for (const [place, text] of places) for (const secret of secrets) expect(text.includes(secret), `${place} holds a secret`).toBe(false);
  });
});

async function answerPrompt(answers: string[]) {
  for (let i = 0; i < 200; i++) {
    const [prompt] = await h.hub.pendingPrompts();
    if (prompt) {
      await h.hub.answerPrompt({ id: prompt.id, answers });
      return prompt;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no password prompt appeared');
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((rel) => join(dir, rel))
    .filter((file) => statSync(file, { throwIfNoEntry: false })?.isFile());
}

/** Every process's argv on this machine: a secret on a command line is readable by anyone here. */
function processArgs(): Array<[string, string]> {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid): Array<[string, string]> => {
      try {
        return [[`argv of ${pid}`, readFileSync(`/proc/${pid}/cmdline`, 'latin1')]];
      } catch {
        return [];
      }
    });
}
