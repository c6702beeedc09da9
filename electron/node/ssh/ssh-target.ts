// What a system says about the SSH host it runs on. The ssh layer resolves it against ~/.ssh/config
// (aliases, HostName, User, Port, IdentityFile, ProxyJump, ...); explicit values here win over the config file.
export interface SshTarget {
  /** An alias from ~/.ssh/config, or a host name. */
  host: string;
  user?: string;
  port?: number;
  identityFile?: string;
  connectTimeoutSeconds: number;
  keepaliveIntervalSeconds: number;
  keepaliveCountMax: number;
}

/** One key per distinct target, so that every channel and forward to a host shares one connection. */
export function sshTargetKey(target: SshTarget): string {
  return JSON.stringify([target.host, target.user ?? null, target.port ?? null, target.identityFile ?? null]);
}
