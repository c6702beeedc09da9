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
  apiToken: () => 'api-token',
  sshPassphrase: (keyPath: string) => `ssh-passphrase/${keyPath}`,
  sshPassword: (user: string, host: string, port: number) => `ssh-password/${user}@${host}:${port}`,
  user: (key: string) => `user/${key}`,
};
