// How store failures are translated, with a FAKE @napi-rs/keyring: no real store can be made to echo a secret in
// an error or to report an ambiguous entry on demand, and these paths must still hold.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const fakeStore = vi.hoisted(() => ({ failure: new Error('unset'), options: [] as unknown[], failures: Infinity }));
vi.mock('@napi-rs/keyring', () => ({
  AsyncEntry: class {
    constructor(
      readonly service: string,
      readonly account: string,
      readonly options: unknown,
    ) {
      fakeStore.options.push(options);
    }
    setPassword = async (): Promise<void> => {
      throw fakeStore.failure;
    };
    getPassword = async (): Promise<string | null> => {
      if (fakeStore.failures-- > 0) throw fakeStore.failure;
      return 'stored';
    };
    deletePassword = async (): Promise<boolean> => {
      throw fakeStore.failure;
    };
  },
}));

const { Keychain, KeychainError, KeychainUnavailableError } = await import('../../electron/core/secrets/keychain.js');

describe('keychain errors (fake store)', () => {
  beforeEach(() => {
    fakeStore.failure = new Error('unset');
    fakeStore.options = [];
    fakeStore.failures = Infinity;
  });

  it('tries once more when D-Bus got no reply in time (a stalled daemon), and only once', async () => {
    fakeStore.failure = new Error('Platform failure: DBus error: Did not receive a reply. Possible causes include: …');
    fakeStore.failures = 1;
    expect(await new Keychain('svc').get('a')).toBe('stored');
    fakeStore.failures = 2;
    await expect(new Keychain('svc').get('a')).rejects.toBeInstanceOf(KeychainUnavailableError);
  });

  it('pins every entry to the Secret Service, so Linux never drops to the kernel keyring', async () => {
    const keychain = new Keychain('svc');
    await Promise.allSettled([keychain.get('a'), keychain.set('a', 'v'), keychain.delete('a')]);
    expect(fakeStore.options).toEqual(Array(3).fill({ linux: { store: 'secret-service' } }));
  });

  it('scrubs the secret even from a store that echoes it', async () => {
    fakeStore.failure = new Error("Couldn't access platform storage: cannot store 'hunter2-secret' now");
    const error = await new Keychain('svc').set('user/x', 'hunter2-secret').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeychainUnavailableError);
    expect((error as Error).message).not.toContain('hunter2-secret');
    expect((error as Error).message).toContain("cannot store '[secret]' now");
  });

  it('reports other refusals as a KeychainError naming the operation and key, not as unavailable', async () => {
    fakeStore.failure = new Error('Entry is matched by 2 credentials: [...]');
    const error = await new Keychain('svc').get('server-token/demo').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeychainError);
    expect((error as Error).message).toBe('could not read "server-token/demo" in the keychain: Entry is matched by 2 credentials: [...]');
  });

  it('advises per platform', () => {
    expect(new KeychainUnavailableError('x', 'darwin').message).toMatch(/macOS Keychain/);
    expect(new KeychainUnavailableError('x', 'win32').message).toMatch(/Windows Credential Manager/);
    expect(new KeychainUnavailableError('x', 'linux').message).toMatch(/Install gnome-keyring and start it in your D-Bus session/);
  });
});
