// Conformance, what goes wrong: 401 (a prompt for the Basic credentials, which land in the keychain once accepted),
// 419 rendered as OutpostSpawner renders it, flavor limits (a full flavor refused before anything is sent, in the
// Outpost's words; the form showing current/max), and, against a misbehaving server, 422, timeouts, malformed JSON,
// an HTML error page and a refused connection, each with a clear message.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutpostCredentials, credentialsKey } from '../../electron/core/kinds/outpost/credentials.js';
import { OutpostApi } from '../../electron/core/kinds/outpost/outpost-api.js';
import type { Prompter } from '../../electron/core/prompts/prompter.js';
import { Keychain } from '../../electron/core/secrets/keychain.js';
import { STAND_IN_HUB, STAND_IN_PASSWORD } from '../fixtures/outpost-stand-in.js';
import { freePort } from '../fixtures/ports.js';
import { filesContaining } from '../secrets/find-in-files.js';
import { answerNextPrompt, outpostRig, type OutpostRig } from './helpers.js';

const keychain = new Keychain();
const nobodyAsked: Prompter = {
  ask: () => Promise.reject(new Error('this test expects no prompt')),
};

describe('through the Hub', () => {
  let rig: OutpostRig;

  beforeAll(async () => {
    rig = await outpostRig(
      { op: {} },
      { credentials: false, flavors: { small: { max: 2, maxPerUser: 1, display_name: 'Small', weight: 1 }, big: { max: 0, display_name: 'Big', weight: 2 } } },
    );
  });

  afterAll(() => rig?.close());

  it('asks for the Basic credentials, asks again after a 401, and keeps only the accepted ones in the keychain', async () => {
    const { h, outpost } = rig;
    const wrong = 'not-the-password-31337';
    await h.hub.start({ system: 'op', name: 'auth1', options: { flavor: 'small' } });
    const first = await answerNextPrompt(h, [STAND_IN_HUB, wrong]);
    expect(first.kind).toBe('password');
    expect(first.title).toBe(`Log in to the Outpost at ${outpost.requestUrl}`);
    const second = await answerNextPrompt(h, [STAND_IN_HUB, STAND_IN_PASSWORD]);
    expect(second.instructions).toContain('The Outpost refused the user name or password');
    const running = await h.waitFor('auth1', ['running', 'failed']);
    expect(running.reason).toBeNull();
    expect(outpost.requests.some((r) => r.method === 'POST' && r.headers.authorization?.startsWith('Basic '))).toBe(true);
    expect(JSON.parse((await keychain.get(credentialsKey(outpost.requestUrl))) as string)).toEqual({ username: STAND_IN_HUB, password: STAND_IN_PASSWORD });
    // The password is nowhere in hubtray's files (state, config, logs).
    expect(await filesContaining(h.home, STAND_IN_PASSWORD)).toEqual([]);
    expect(await filesContaining(h.home, wrong)).toEqual([]);
  });

  it('offers the Outpost’s flavors in the form with current/max', async () => {
    const [system] = await rig.h.hub.listSystems();
    const flavor = system?.form.fields.find((f) => f.name === 'flavor');
    expect(flavor).toMatchObject({ type: 'select', choices: [{ value: 'big', label: 'Big (0/0)' }, { value: 'small', label: 'Small (1/2)' }] });
  });

  it('refuses a full flavor before sending anything, in the Outpost’s words', async () => {
    const posts = rig.starts().length;
    await rig.h.hub.start({ system: 'op', name: 'auth2', options: { flavor: 'big' } });
    const failed = await rig.h.waitFor('auth2', ['failed', 'running']);
    expect(failed.reason).toBe(`auth2 - Start with big for ${STAND_IN_HUB} not allowed. Maximum (0) already reached.`);
    expect(rig.starts()).toHaveLength(posts);
  });

  it('shows the Outpost’s 419 refusals as module, class and args, its own exceptions without a module (per-user limit, unknown flavor)', async () => {
    await rig.h.hub.start({ system: 'op', name: 'auth3', options: { flavor: 'small' } });
    const perUser = await rig.h.waitFor('auth3', ['failed', 'running']);
    expect(perUser.reason).toBe('Exception: auth3 - Start with flavor small not allowed. Each user may only start 1 of small');

    await rig.h.hub.start({ system: 'op', name: 'auth4', options: { flavor: 'huge' } });
    const unknown = await rig.h.waitFor('auth4', ['failed', 'running']);
    expect(unknown.reason).toBe("Exception: auth4 - Start with flavor huge not allowed. Allowed values for user: ['small', 'big']");
    expect(rig.outpost.rows().map((r) => r.name)).toEqual(['auth1']);
    await rig.h.hub.stop({ name: 'auth1' });
  });
});

describe('the client against the stand-in', () => {
  let rig: OutpostRig;

  beforeAll(async () => {
    rig = await outpostRig({}, { credentials: false });
    await keychain.set(credentialsKey(rig.outpost.requestUrl), JSON.stringify({ username: STAND_IN_HUB, password: STAND_IN_PASSWORD }));
  });

  afterAll(async () => {
    await keychain.delete(credentialsKey(rig.outpost.requestUrl));
    await rig?.close();
  });

  const api = (headers: Record<string, string> = {}) =>
    new OutpostApi({ requestUrl: rig.outpost.requestUrl, headers, kwargs: {} }, new OutpostCredentials(rig.outpost.requestUrl, keychain, nobodyAsked));

  it('reads the Outpost’s 422 for a body without a name', async () => {
    await expect(api().start({ env: {} }, { async: false, kwargs: {}, signal: new AbortController().signal })).rejects.toThrow(
      'the Outpost rejected the start request as invalid (422: body.name: Field required)',
    );
  });

  it('says that wrong credentials were refused (401) where nobody can be asked', async () => {
    const wrong = `Basic ${Buffer.from(`${STAND_IN_HUB}:nope`).toString('base64')}`;
    await expect(api({ Authorization: wrong }).poll('x', '0', false)).rejects.toMatchObject({
      status: 401,
      message: `the Outpost refused the credentials (401: Incorrect username or password) for the poll request to ${rig.outpost.requestUrl}/x/0`,
    });
  });

  it('counts a stop of an unknown service as done (404), and reads a poll’s 404', async () => {
    await expect(api().stop('nothing', 'abc', { async: false, collectLogs: false, interactive: false })).resolves.toEqual({ logs: [] });
    await expect(api().poll('nothing', 'abc', false)).rejects.toMatchObject({ status: 404, message: expect.stringContaining('failed: 404: Item not found') });
  });
});

describe('the client against a misbehaving server', () => {
  let server: Server;
  let base: string;
  const answers: Record<string, (res: import('node:http').ServerResponse) => void> = {
    '/419empty/services': (res) => res.writeHead(419, { 'Content-Type': 'application/json' }).end('{"module":"app","class":"Boom","args":[]}'),
    '/notjson/services': (res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('<html>surprise</html>'),
    '/html500/services': (res) => res.writeHead(500, { 'Content-Type': 'text/html' }).end('<html><body><h1>Internal Server Error</h1>\n<p>nginx</p></body></html>'),
    '/noservice/services': (res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status": "ok"}'),
    '/silent/services': () => undefined,
  };

  beforeAll(async () => {
    server = createServer((req, res) => answers[new URL(req.url ?? '/', 'http://x').pathname]?.(res));
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const start = (path: string, kwargs = {}) =>
    new OutpostApi({ requestUrl: `${base}${path}`, headers: { Authorization: 'Basic eDp5' }, kwargs }, new OutpostCredentials(`${base}${path}`, keychain, nobodyAsked)).start(
      { name: 'x' },
      { async: false, kwargs, signal: new AbortController().signal },
    );

  it('renders a 419 without args as "Unknown error"', async () => {
    await expect(start('/419empty/services')).rejects.toThrow(/^appBoom: Unknown error$/);
  });

  it('says when an answer is not JSON, or has no service', async () => {
    await expect(start('/notjson/services')).rejects.toThrow(
      new RegExp(`^the Outpost answered the start request to ${base}/notjson/services with something that is not JSON \\(Unexpected token .*\\): "<html>surprise</html>"$`),
    );
    await expect(start('/noservice/services')).rejects.toThrow('the Outpost\'s answer to the start has no "service" string: {"status":"ok"}');
  });

  it('quotes one line of an HTML error page', async () => {
    await expect(start('/html500/services')).rejects.toThrow(`start request to ${base}/html500/services failed: 500: Internal Server Error nginx`);
  });

  it('times out after request_timeout', async () => {
    await expect(start('/silent/services', { request_timeout: 0.5 })).rejects.toThrow(`start request to ${base}/silent/services timed out after 0.5 s (request_timeout of request_kwargs_start)`);
  });

  it('names the failure when nothing listens', async () => {
    const port = await freePort();
    await expect(
      new OutpostApi({ requestUrl: `http://127.0.0.1:${port}/services`, headers: { Authorization: 'Basic eDp5' }, kwargs: {} }, new OutpostCredentials('x', keychain, nobodyAsked)).poll('a', 'b', false),
    ).rejects.toThrow(`poll request to http://127.0.0.1:${port}/services/a/b failed: connect ECONNREFUSED 127.0.0.1:${port}`);
  });
});
