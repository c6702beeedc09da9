// The keychain against a real gnome-keyring (the private one from the global setup, or one started here).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hubPaths } from '../../electron/core/config/paths.js';
import { saveConfig } from '../../electron/core/config/load-config.js';
import { Keychain, KeychainUnavailableError } from '../../electron/core/secrets/keychain.js';
import { secretKeys } from '../../electron/core/secrets/secret-store.js';
import { StateStore } from '../../electron/core/state/state-store.js';
import { noKeyringEnv, runTsInChild, startKeyring, type PrivateKeyring } from '../../testkit/keyring.js';
import { filesContaining, listFiles } from './find-in-files.js';

const child = fileURLToPath(new URL('./keychain-child.ts', import.meta.url));
const uniqueService = (): string => `hubtray-test-${randomBytes(4).toString('hex')}`;
const uniqueSecret = (): string => `s3cret-${randomBytes(12).toString('hex')}`;

describe('Keychain on the Secret Service', () => {
  it('is the private keyring of the global setup, not the developer’s', () => {
    expect(process.env.DBUS_SESSION_BUS_ADDRESS).toBe(inject('dbusSessionBusAddress'));
  });

  it('round-trips a secret: set, get, overwrite, delete', async () => {
    const keychain = new Keychain(uniqueService());
    const key = secretKeys.serverToken('demo');
    expect(await keychain.get(key)).toBeNull();
    await keychain.set(key, 'first');
    await keychain.set(key, 'pässwörd with spaces; $(and) `shell` "quotes"\nand a newline');
    expect(await keychain.get(key)).toBe('pässwörd with spaces; $(and) `shell` "quotes"\nand a newline');
    expect(await keychain.delete(key)).toBe(true);
    expect(await keychain.delete(key)).toBe(false);
    expect(await keychain.get(key)).toBeNull();
  });

  it('keeps services apart', async () => {
    const a = new Keychain(uniqueService());
    const b = new Keychain(uniqueService());
    await a.set('user/shared', 'from a');
    expect(await b.get('user/shared')).toBeNull();
    expect(await a.delete('user/shared')).toBe(true);
  });

  it('check() passes and leaves nothing behind', async () => {
    const keychain = new Keychain(uniqueService());
    await Promise.all([keychain.check(), keychain.check(), keychain.check()]);
    const left = await new Promise<string>((resolve) =>
      execFile('secret-tool', ['search', '--all', 'service', keychain.service], (_error, stdout, stderr) => resolve(stdout + stderr)),
    );
    expect(left).not.toContain('keychain-check');
  });

  it('keeps a stored secret out of every file under HUBTRAY_HOME', async () => {
    const home = await mkdtemp(join(tmpdir(), 'hubtray-home-'));
    try {
      const paths = hubPaths(home);
      const secret = uniqueSecret();
      const keychain = new Keychain(uniqueService());
      await keychain.set(secretKeys.serverToken('demo'), secret);
      // What a hub writes around a start: config and a server record.
      await saveConfig(paths.config, { systems: { demo: { kind: 'ssh', host: 'h' } } });
      const { store } = await StateStore.open(paths.state);
      await store.put({
        name: 'demo',
        system: 'demo',
        kind: 'ssh',
        userOptions: {},
        spawnerState: { pid: 42 },
        tunnel: { localPort: 40000 },
        status: 'running',
        createdAt: new Date().toISOString(),
        readyAt: null,
        stoppedAt: null,
        exitStatus: null,
        reason: null,
      });
      expect(await listFiles(home)).toEqual(expect.arrayContaining(['config.json', 'state.json']));
      expect(await filesContaining(home, secret)).toEqual([]);
      expect(await keychain.get(secretKeys.serverToken('demo'))).toBe(secret);
      await keychain.delete(secretKeys.serverToken('demo'));
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe('Keychain in a second, isolated keyring', () => {
  let keyring: PrivateKeyring;
  beforeAll(async () => {
    keyring = await startKeyring();
  });
  afterAll(() => keyring.stop());

  it('round-trips there', async () => {
    const service = uniqueService();
    const result = await runTsInChild(child, { ...keyring.env(), HUBTRAY_TEST_SECRET: uniqueSecret() }, [service, 'user/x']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ set: {}, delete: { value: true }, check: {} });
  });

  it('stores an ordinary Secret Service item, encrypted at rest, that other clients find', async () => {
    const service = uniqueService();
    const secret = uniqueSecret();
    const result = await runTsInChild(child, { ...keyring.env(), HUBTRAY_TEST_SECRET: secret }, [service, 'user/x', 'store']);
    expect(JSON.parse(result.stdout)).toEqual({ set: {}, get: { value: secret } });

    expect(await secretTool(keyring, ['lookup', 'service', service, 'username', 'user/x'])).toBe(secret);
    expect(await new Keychain(service).get('user/x')).toBeNull();
    expect(await listFiles(keyring.dir)).toContain('home/.local/share/keyrings/login.keyring');
    expect(await filesContaining(keyring.dir, secret)).toEqual([]);
  });
});

function secretTool(keyring: PrivateKeyring, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('secret-tool', args, { env: keyring.env() }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
}

describe('Keychain with no usable Secret Service', () => {
  let scratch: string;
  const keyrings: PrivateKeyring[] = [];
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'hubtray-nokeyring-'));
  });
  afterAll(async () => {
    await Promise.all(keyrings.map((keyring) => keyring.stop()));
    await rm(scratch, { recursive: true, force: true });
  });

  const withoutBus = (): NodeJS.ProcessEnv => {
    const env = { ...process.env };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    delete env.DISPLAY;
    return env;
  };
  const cases: Array<[string, () => Promise<NodeJS.ProcessEnv>, RegExp]> = [
    ['DBUS_SESSION_BUS_ADDRESS is not set', async () => withoutBus(), /DBUS_SESSION_BUS_ADDRESS/],
    ['the bus address leads nowhere', async () => noKeyringEnv(scratch), /no-such-bus/],
    ['no Secret Service runs on the bus', async () => pushed(await startKeyring({ secretService: false })).env(), /org\.freedesktop\.secrets/],
    ['the keyring is locked', async () => pushed(await startKeyring({ locked: true })).env(), /Couldn't access platform storage/],
  ];
  function pushed(keyring: PrivateKeyring): PrivateKeyring {
    keyrings.push(keyring);
    return keyring;
  }

  it.concurrent.each(cases)('fails loudly when %s, never saying the secret and writing nothing', async (_, makeEnv, diagnosis) => {
    const secret = uniqueSecret();
    const home = await mkdtemp(join(scratch, 'home-'));
    const env = { ...(await makeEnv()), HOME: home, HUBTRAY_HOME: join(home, 'hubtray'), XDG_CONFIG_HOME: home, XDG_DATA_HOME: home, HUBTRAY_TEST_SECRET: secret };
    const result = await runTsInChild(child, env, [uniqueService(), secretKeys.user('api')]);
    expect(result.code, result.stderr).toBe(0);
    const outcome = JSON.parse(result.stdout);

    for (const operation of ['set', 'check'] as const) {
      expect(outcome[operation].error, operation).toBe(KeychainUnavailableError.name);
      expect(outcome[operation].message).toMatch(/Secret Service \(gnome-keyring or KeePassXC\)/);
      expect(outcome[operation].message).toMatch(/Install gnome-keyring and start it in your D-Bus session/);
      expect(outcome[operation].message).toMatch(diagnosis);
    }
    // A locked collection still answers "not there" for a missing entry, which is why check() writes.
    expect(outcome.get.error ?? outcome.get.value).toBeOneOf([KeychainUnavailableError.name, null]);
    expect(outcome.delete.error ?? outcome.delete.value).toBeOneOf([KeychainUnavailableError.name, false]);
    expect(result.stdout + result.stderr).not.toContain(secret);
    // No fallback: not in the kernel keyring, not in a file.
    expect(outcome.kernelKeyring.value ?? null).toBeNull();
    expect(await filesContaining(home, secret)).toEqual([]);
  });
});
