// TLS on both sides of an Outpost, with certificate authorities of the test's own:
// - the Outpost API over https (request_kwargs are tornado's HTTPRequest arguments): trusted through ca_certs, refused
//   with a message saying what to set when its CA is unknown, accepted with validate_cert false; connect_timeout covers
//   a TLS handshake that never ends, request_timeout an answer that never comes;
// - a lab started with certs (internal SSL, reference §1 "certs"): the stand-in gives it the certificates as the
//   Outpost does, so the real jupyterhub-singleuser serves https to clients its CA signed only. hubtray reaches it
//   through its TLS relay (through the SSH node), passes the readiness check, keeps the relay's port across a restart,
//   and says why when certs.cafile does not vouch for the lab.
import { readFile } from 'node:fs/promises';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import net from 'node:net';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openHub } from '../fixtures/hub-harness.js';
import { startSshd, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { outpostRig, type OutpostRig } from './helpers.js';
import { makeTestCa, type TestCa } from './test-ca.js';

let rig: OutpostRig;
let sshd: Sshd;
let client: ClientConfig;
const cas: TestCa[] = [];
/** Accepts connections and says nothing, not even TLS's handshake. */
let silent: net.Server;
const silentSockets = new Set<net.Socket>();
/** Completes TLS, then never answers. */
let mute: HttpsServer;

beforeAll(async () => {
  const [apiCa, labCa, otherCa] = await Promise.all(['api', 'lab', 'other'].map(makeTestCa));
  cas.push(apiCa as TestCa, labCa as TestCa, otherCa as TestCa);
  const [api, lab] = await Promise.all([(apiCa as TestCa).issue('outpost'), (labCa as TestCa).issue('lab')]);
  sshd = await startSshd();
  client = await writeClientConfig([{ alias: 'node', sshd }]);
  process.env.HUBTRAY_SSH_CONFIG = client.configPath;
  const tls = { key: await readFile(api.keyFile), cert: await readFile(api.certFile) };
  silent = net.createServer((socket) => silentSockets.add(socket));
  mute = createHttpsServer(tls, () => undefined);
  const [silentPort, mutePort] = await Promise.all([silent, mute].map(listenAnywhere));
  const trusted = { request_kwargs: { ca_certs: (apiCa as TestCa).caFile } };
  const elsewhere = (port: number | undefined) => ({ request_url: `https://127.0.0.1:${port}/services`, request_headers: { Authorization: 'Basic eDp5' } });
  const labCerts = { keyfile: lab.keyFile, certfile: lab.certFile };
  rig = await outpostRig(
    {
      trusted,
      unknown: {},
      insecure: { request_kwargs: { validate_cert: false } },
      internal: { ...trusted, ssh_node: 'node', ssh_username: null, certs: { ...labCerts, cafile: (labCa as TestCa).caFile } },
      wrongca: { ...trusted, http_timeout: 4, certs: { ...labCerts, cafile: (otherCa as TestCa).caFile } },
      handshake: { ...elsewhere(silentPort), request_kwargs: { ca_certs: (apiCa as TestCa).caFile, connect_timeout: 1 } },
      unanswered: { ...elsewhere(mutePort), request_kwargs_start: { ca_certs: (apiCa as TestCa).caFile, request_timeout: 1 } },
    },
    { tls },
  );
});

afterAll(async () => {
  await rig?.close();
  mute?.closeAllConnections();
  for (const socket of silentSockets) socket.destroy();
  for (const server of [silent, mute]) await new Promise((resolve) => server?.close(resolve));
  await Promise.all([sshd?.stop(), client?.cleanup(), ...cas.map((ca) => ca.cleanup())]);
  delete process.env.HUBTRAY_SSH_CONFIG;
});

it('talks to an https Outpost whose CA request_kwargs.ca_certs names', async () => {
  expect(rig.outpost.requestUrl).toMatch(/^https:/);
  await rig.h.hub.start({ system: 'trusted', name: 'tls1' });
  expect((await rig.h.waitFor('tls1', ['running', 'failed'])).reason).toBeNull();
  await rig.h.hub.stop({ name: 'tls1' });
  expect(rig.outpost.rows()).toEqual([]);
});

it('refuses an Outpost whose CA it does not know, saying what to set', async () => {
  await rig.h.hub.start({ system: 'unknown', name: 'tls2' });
  const failed = await rig.h.waitFor('tls2', ['failed', 'running']);
  expect(failed.reason).toContain(`start request to ${rig.outpost.requestUrl} failed: UNABLE_TO_VERIFY_LEAF_SIGNATURE: the Outpost's certificate is not signed by a certificate authority hubtray trusts; set ca_certs in request_kwargs`);
  expect(rig.starts().some((b) => b.name === 'tls2')).toBe(false);
});

it('gives up connecting after connect_timeout, the TLS handshake included, and waiting after request_timeout', async () => {
  await rig.h.hub.start({ system: 'handshake', name: 'tls6' });
  expect((await rig.h.waitFor('tls6', ['failed', 'running'])).reason).toMatch(/^start request to https:\/\/127\.0\.0\.1:\d+\/services could not connect within 1 s \(connect_timeout/);
  await rig.h.hub.start({ system: 'unanswered', name: 'tls7' });
  expect((await rig.h.waitFor('tls7', ['failed', 'running'])).reason).toMatch(/^start request to https:\/\/127\.0\.0\.1:\d+\/services timed out after 1 s \(request_timeout of request_kwargs_start\)/);
});

it('skips the check with validate_cert false', async () => {
  await rig.h.hub.start({ system: 'insecure', name: 'tls3' });
  expect((await rig.h.waitFor('tls3', ['running', 'failed'])).reason).toBeNull();
  await rig.h.hub.stop({ name: 'tls3' });
});

it('reaches a lab with certs through its TLS relay, which the lab alone would refuse, and keeps the relay after a restart', async () => {
  await rig.h.hub.start({ system: 'internal', name: 'tls4' });
  const running = await rig.h.waitFor('tls4', ['running', 'failed']);
  expect(running.reason).toBeNull();
  const row = rig.outpost.rows().find((r) => r.name === 'tls4');
  const env = row?.body.env as Record<string, string>;
  expect(env.JUPYTERHUB_SERVICE_URL).toMatch(/^https:\/\/0\.0\.0\.0:/);
  const [labHost, labPort] = (row?.service as string).split(':');
  // The lab itself: https, and not without a client certificate its CA signed.
  const labCa = await readFile((cas[1] as TestCa).caFile);
  const bare = new Agent({ connect: { ca: labCa } });
  await expect(request(`https://${labHost}:${labPort}${new URL(running.url as string).pathname}api/status`, { dispatcher: bare })).rejects.toThrow();
  await bare.close();

  const status = async (url: string) => {
    const res = await request(new URL('api/status', url), { headers: { authorization: `token ${env.JUPYTERHUB_API_TOKEN}` } });
    await res.body.dump();
    return res.statusCode;
  };
  expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/user\//);
  expect(await status(running.url as string)).toBe(200);

  await rig.h.hub.close();
  rig.h = await openHub(rig.h.home);
  const after = await rig.h.waitFor('tls4', ['running']);
  expect(after.url).toBe(running.url);
  expect(await status(after.url as string)).toBe(200);

  await rig.h.hub.stop({ name: 'tls4' });
  expect(rig.outpost.rows()).toEqual([]);
  const port = Number(new URL(running.url as string).port);
  await expect(new Promise((resolve, reject) => net.connect(port, '127.0.0.1').once('connect', resolve).once('error', reject))).rejects.toThrow(/ECONNREFUSED/);
});

it('fails the start of a lab whose certificate certs.cafile does not vouch for, saying so', async () => {
  await rig.h.hub.start({ system: 'wrongca', name: 'tls5' });
  const failed = await rig.h.waitFor('tls5', ['failed', 'running']);
  expect(failed.reason).toMatch(/did not answer HTTP within HTTP timeout \[http_timeout\]/);
  expect(failed.reason).toMatch(/the lab at 127\.0\.0\.1:\d+ has a certificate its certs\.cafile \(with additional_cafile\) does not vouch for/);
  expect(rig.outpost.rows()).toEqual([]);
});

function listenAnywhere(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve((server.address() as net.AddressInfo).port)));
}
