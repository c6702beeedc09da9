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

/** What users may set through `hubtray secret`: not the entries hubtray itself creates and deletes. */
export function userSettableKey(key: string): boolean {
  return !/^(server-token|api-token|keychain-check)\//.test(key);
}
