// Where secrets live. The only implementation is the OS keychain (keychain.ts); there is deliberately no plaintext
// or in-memory fallback. Keys are namespaced strings such as "server-token/NAME" or "ssh-passphrase/PATH".
export interface SecretStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  /** Resolves true when something was deleted. */
  delete(key: string): Promise<boolean>;
}

export const secretKeys = {
  serverToken: (server: string) => `server-token/${server}`,
  /** Per HUBTRAY_HOME, so that hubs on different homes never overwrite each other's token. */
  apiToken: (home: string) => `api-token/${home}`,
  sshPassphrase: (keyPath: string) => `ssh-passphrase/${keyPath}`,
  sshPassword: (user: string, host: string, port: number) => `ssh-password/${user}@${host}:${port}`,
  user: (key: string) => `user/${key}`,
};

// Entries hubtray creates, rotates and deletes by itself: a hand-set value would break what relies on them (a
// server's token, the local API's token, an Outpost's flavors token) or, for keychain-check, be deleted again.
const internalPrefixes = ['server-token', 'api-token', 'keychain-check', 'outpost-flavors-token'];

/**
 * Why `hubtray secret set/delete` may not touch `key`, or null when it may. Users do set the entries hubtray only
 * reads or remembers for them (ssh-passphrase/…, ssh-password/…, ssh-key/…, a hub's token, user/…).
 */
export function internalKeyProblem(key: string): string | null {
  const prefix = internalPrefixes.find((p) => key.startsWith(`${p}/`));
  if (!prefix) return null;
  return `"${key}" is one of hubtray's own entries (${prefix}/…), which it creates and deletes by itself; it cannot be set or deleted by hand`;
}
