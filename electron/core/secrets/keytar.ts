// keytar's function shapes over @napi-rs/keyring. keytar itself is archived, and its compatible entry
// (@napi-rs/keyring/keytar) cannot pin the store: unpinned, Linux silently drops to the kernel keyring, which does
// not survive a reboot. So every entry here pins the Secret Service, and a store failure becomes a loud error.
import { AsyncEntry } from '@napi-rs/keyring';
import { KeychainError, KeychainUnavailableError } from './keychain-errors.js';

const options = { linux: { store: 'secret-service' as const } };

// keyring-rs reports an unreachable or locked store with these prefixes (PlatformFailure, NoStorageAccess).
const unavailable = /^(Platform failure|Couldn't access platform storage)\b/;

export function getPassword(service: string, account: string): Promise<string | null> {
  return call('read', account, undefined, () => new AsyncEntry(service, account, options).getPassword());
}

export function setPassword(service: string, account: string, password: string): Promise<void> {
  return call('store', account, password, async () => {
    await new AsyncEntry(service, account, options).setPassword(password);
  });
}

export function deletePassword(service: string, account: string): Promise<boolean> {
  return call('delete', account, undefined, () => new AsyncEntry(service, account, options).deletePassword());
}

// D-Bus gives up on a reply after its own timeout (25 s) when the Secret Service daemon stalls (seen under load): the
// store is there, the one call was lost. Every operation here is idempotent, so it is tried once more.
const noReply = /Did not receive a reply/;

async function call<T>(operation: string, account: string, secret: string | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run().catch((error: unknown) => {
      if (error instanceof Error && noReply.test(error.message)) return run();
      throw error;
    });
  } catch (error) {
    const detail = redact(error instanceof Error ? error.message : String(error), secret);
    if (unavailable.test(detail)) throw new KeychainUnavailableError(detail);
    throw new KeychainError(operation, account, detail);
  }
}

// No store is known to echo a value back in an error, but a message reaches logs, so a secret is scrubbed anyway.
function redact(message: string, secret: string | undefined): string {
  return secret ? message.split(secret).join('[secret]') : message;
}
