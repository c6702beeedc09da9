// The SecretStore the Hub uses: secrets live in the OS keychain under one service name, one entry per key.
import { randomUUID } from 'node:crypto';
import { KeychainError } from './keychain-errors.js';
import { deletePassword, getPassword, setPassword } from './keytar.js';
import type { SecretStore } from './secret-store.js';

export { KeychainError, KeychainUnavailableError } from './keychain-errors.js';

const DEFAULT_SERVICE = 'hubtray';

export class Keychain implements SecretStore {
  constructor(readonly service: string = DEFAULT_SERVICE) {}

  get(key: string): Promise<string | null> {
    return getPassword(this.service, key);
  }

  set(key: string, value: string): Promise<void> {
    return setPassword(this.service, key, value);
  }

  delete(key: string): Promise<boolean> {
    return deletePassword(this.service, key);
  }

  /**
   * Proves the keychain works before the Hub relies on it, so a missing or locked store fails at start rather than
   * in the middle of a server's start. A read alone is not enough: a locked Secret Service collection still answers
   * a lookup of a missing entry, so this writes, reads back and removes a sentinel that holds no secret.
   */
  async check(): Promise<void> {
    // An account of its own per check: two hubs starting at once must not read or delete each other's sentinel.
    const account = `keychain-check/${process.pid}-${randomUUID()}`;
    const sentinel = `checked ${new Date().toISOString()}`;
    await this.set(account, sentinel);
    try {
      const readBack = await this.get(account);
      if (readBack !== sentinel) throw new KeychainError('read back', account, 'it returned something other than what was just stored');
    } finally {
      await this.delete(account);
    }
  }
}
