// Runs in a fresh process (see runTsInChild), because libdbus fixes the D-Bus address on a process's first keychain
// call. Tries every keychain operation with the secret from HUBTRAY_TEST_SECRET (never argv, where `ps` shows it)
// and prints what happened as JSON. It also asks the kernel keyring, the store an unpinned entry would fall back to.
// Mode "store" only stores and reads back, leaving the secret in place for the test to look at.
import { AsyncEntry } from '@napi-rs/keyring';
import { Keychain } from '../../electron/core/secrets/keychain.js';

const [service = 'hubtray-test', key = 'user/test', mode = 'all'] = process.argv.slice(2);
const secret = process.env.HUBTRAY_TEST_SECRET ?? '';
const keychain = new Keychain(service);

async function outcome(run: () => Promise<unknown>): Promise<{ value?: unknown; error?: string; message?: string }> {
  try {
    return { value: await run() };
  } catch (error) {
    return { error: (error as Error).name, message: (error as Error).message };
  }
}

const result = {
  set: await outcome(() => keychain.set(key, secret)),
  get: await outcome(() => keychain.get(key)),
  ...(mode === 'store'
    ? {}
    : {
        delete: await outcome(() => keychain.delete(key)),
        check: await outcome(() => keychain.check()),
        kernelKeyring: await outcome(() => new AsyncEntry(service, key, { linux: { store: 'keyutils' } }).getPassword()),
      }),
};
process.stdout.write(JSON.stringify(result));
