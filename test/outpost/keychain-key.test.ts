// ssh_key as `keychain:NAME`: the SSH node's private key kept in the keychain (stored with `hubtray secret ssh-key`),
// parsed in memory and never written anywhere; an encrypted one asks for its passphrase as a key file does. The sshd
// authorizes only these keys (not the fixture's own key, which the ssh config still names), so a start that reaches
// its lab through the SSH node proves the keychain's key logged in. Afterwards no file under HUBTRAY_HOME, no event
// and no process's argv holds the key's text.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Keychain } from '../../electron/core/secrets/keychain.js';
import { sshKeySecret } from '../../electron/core/ssh/auth.js';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { runCli, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';
import { startOutpostStandIn, STAND_IN_HUB, STAND_IN_PASSWORD, type StandInOutpost } from '../fixtures/outpost-stand-in.js';
import { startSshd, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { filesContaining } from '../secrets/find-in-files.js';
import { answerNextPrompt } from './helpers.js';

const run = promisify(execFile);
const PASSPHRASE = 'key-passphrase-5d1c';
const suffix = `${process.pid}-${Date.now()}`;
const names = { plain: `test-plain-${suffix}`, locked: `test-locked-${suffix}` };

interface Key {
  text: string;
  pub: string;
  /** The base64 lines of the private key: what must appear nowhere. */
  body: string[];
}

let outpost: StandInOutpost;
let sshd: Sshd;
let client: ClientConfig;
let home: string;
let serve: ServeProcess | undefined;
let h: HubHarness | undefined;
const keys: Record<'plain' | 'locked', Key> = {} as Record<'plain' | 'locked', Key>;
const keychain = new Keychain();

/** A fresh ed25519 key whose files are gone once its text is read: the keychain is its only copy. */
async function makeKey(dir: string, name: string, passphrase: string): Promise<Key> {
  const file = join(dir, name);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', name, '-f', file]);
  const [text, pub] = await Promise.all([readFile(file, 'utf8'), readFile(`${file}.pub`, 'utf8')]);
  await rm(file);
  return { text, pub, body: text.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----')) };
}

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hubtray-keys-'));
  [keys.plain, keys.locked] = await Promise.all([makeKey(dir, 'plain', ''), makeKey(dir, 'locked', PASSPHRASE)]);
  await rm(dir, { recursive: true, force: true });
  [outpost, sshd] = await Promise.all([startOutpostStandIn(), startSshd({ users: [{ name: 'root', authorizedKeys: [keys.plain.pub, keys.locked.pub] }] })]);
  client = await writeClientConfig([{ alias: 'node', sshd }]);
  process.env.HUBTRAY_SSH_CONFIG = client.configPath;
  const system = { kind: 'outpost', request_url: outpost.requestUrl, ssh_node: 'node', ssh_username: null, poll_interval: 1 };
  home = makeHome({
    systems: {
      plain: { ...system, ssh_key: `keychain:${names.plain}` },
      locked: { ...system, ssh_key: `keychain:${names.locked}` },
      missing: { ...system, ssh_key: `keychain:nothing-${suffix}` },
      badname: { ...system, ssh_key: 'keychain:%h-key' },
    },
  });
  serve = await startServe(home);
});

afterAll(async () => {
  await serve?.stop();
  await h?.close();
  if (home) removeHome(home);
  await Promise.all([outpost?.stop(), sshd?.stop(), client?.cleanup()]);
  await Promise.all([...Object.values(names), `ssh-passphrase/keychain:${names.locked}`].map((name) => keychain.delete(name.includes('/') ? name : sshKeySecret(name))));
  delete process.env.HUBTRAY_SSH_CONFIG;
});

it('stores a private key with `hubtray secret ssh-key`, refusing what is no private key', async () => {
  const credentials = JSON.stringify({ username: STAND_IN_HUB, password: STAND_IN_PASSWORD });
  expect((await runCli(home, ['secret', 'set', `outpost-credentials/${outpost.requestUrl}`], credentials)).code).toBe(0);

  const garbage = await runCli(home, ['secret', 'ssh-key', names.plain], 'not a key\n');
  expect(garbage.code).not.toBe(0);
  expect(garbage.stderr).toContain('standard input is not a private key ssh can use');
  const publicOnly = await runCli(home, ['secret', 'ssh-key', names.plain], keys.plain.pub);
  expect(publicOnly.stderr).toContain('standard input is a public key; store the private key');
  expect(await keychain.get(sshKeySecret(names.plain))).toBeNull();
  const badName = await runCli(home, ['secret', 'ssh-key', 'a/b'], keys.plain.text);
  expect(badName.code).toBe(2);

  for (const which of ['plain', 'locked'] as const) {
    const stored = await runCli(home, ['secret', 'ssh-key', names[which]], keys[which].text);
    expect(stored.code, stored.stderr).toBe(0);
    expect(stored.stderr).toContain(`"ssh_key": "keychain:${names[which]}"`);
    expect(await keychain.get(sshKeySecret(names[which]))).toBe(keys[which].text);
  }
});

it('logs in to the SSH node with the keychain key: the lab runs through its tunnel', async () => {
  const started = await runCli(home, ['start', 'plain', '--name', 'kc1', '--json']);
  expect(started.code, started.stderr).toBe(0);
  // Its URL is the tunnel's local end: the lab listens behind the SSH node.
  expect(JSON.parse(started.stdout)).toMatchObject({ name: 'kc1', status: 'running', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//) });
  const listed = JSON.parse((await runCli(home, ['list', '--json'])).stdout) as Array<{ name: string; tunnel: { state: string } }>;
  expect(listed.find((s) => s.name === 'kc1')?.tunnel.state).toBe('connected');
  await expectNoKeyInArgv();
  expect((await runCli(home, ['stop', 'kc1'])).code).toBe(0);
  await serve?.stop();
  // What `hubtray serve` printed is a log too.
  const printed = JSON.stringify(serve?.output());
  for (const text of keys.plain.body) expect(printed).not.toContain(text);
  serve = undefined;
});

it('asks for the passphrase of an encrypted keychain key, and remembers it when asked to', async () => {
  h = await openHub(home);
  await h.hub.start({ system: 'locked', name: 'kc2' });
  const prompt = await answerNextPrompt(h, ['wrong passphrase']);
  expect(prompt).toMatchObject({ kind: 'passphrase', title: `Passphrase for keychain:${names.locked}` });
  const again = await answerNextPrompt(h, [PASSPHRASE], { remember: true });
  expect(again.instructions).toMatch(/^That passphrase was wrong\./);
  const running = await h.waitFor('kc2', ['running', 'failed']);
  expect(running.reason).toBeNull();
  expect(running.tunnel.state).toBe('connected');
  expect(await keychain.get(`ssh-passphrase/keychain:${names.locked}`)).toBe(PASSPHRASE);
  await h.hub.stop({ name: 'kc2' });
});

it('fails a start whose keychain key is missing, saying how to store it, or has a name no key can have', async () => {
  const hub = h as HubHarness;
  await hub.hub.start({ system: 'missing', name: 'kc3' });
  const failed = await hub.waitFor('kc3', ['failed', 'running']);
  expect(failed.reason).toContain(`key keychain:nothing-${suffix}: the keychain has no entry ssh-key/nothing-${suffix} (store one with \`hubtray secret ssh-key nothing-${suffix} < KEYFILE\`)`);
  await hub.hub.start({ system: 'badname', name: 'kc4' });
  expect((await hub.waitFor('kc4', ['failed', 'running'])).reason).toContain('the SSH key "keychain:%h-key" names no keychain key: a name has letters, digits and . _ @ - only');
});

it('leaves the key nowhere: not in HUBTRAY_HOME, events, the Outpost requests or any argv', async () => {
  const hub = h as HubHarness;
  await hub.close();
  h = undefined;
  const texts = [...keys.plain.body, ...keys.locked.body, PASSPHRASE];
  for (const text of texts) expect(await filesContaining(home, text)).toEqual([]);
  const seen = JSON.stringify([hub.events, outpost.requests]);
  for (const text of texts) expect(seen).not.toContain(text);
  await expectNoKeyInArgv();
});

async function expectNoKeyInArgv(): Promise<void> {
  const texts = [...keys.plain.body, ...keys.locked.body];
  for (const pid of (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry))) {
    const argv = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    for (const text of texts) expect(argv.includes(text), `the argv of PID ${pid} holds key material`).toBe(false);
  }
}
