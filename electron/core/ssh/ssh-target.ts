// What a system says about the SSH host it runs on. The ssh layer resolves it against ~/.ssh/config
// (aliases, HostName, User, Port, IdentityFile, ProxyJump, ...); explicit values here win over the config file.
import type { SshHostSettings, SshTransport } from '../../../shared/config.js';

export interface SshTarget {
  /** An alias from ~/.ssh/config, or a host name. */
  host: string;
  user?: string;
  port?: number;
  identityFile?: string;
  connectTimeoutSeconds: number;
  keepaliveIntervalSeconds: number;
  keepaliveCountMax: number;
  /** Default: $HUBTRAY_SSH_TRANSPORT, else auto (the system's OpenSSH only for a host whose config needs it). */
  transport?: SshTransport;
}

/** One key per distinct target, so that every channel and forward to a host shares one connection. */
export function sshTargetKey(target: SshTarget): string {
  return JSON.stringify([target.host, target.user ?? null, target.port ?? null, target.identityFile ?? null, target.transport ?? null]);
}

/** The SSH settings every kind that reaches a host over SSH shares. */
export function sshTarget(system: Pick<SshHostSettings, 'host' | 'user' | 'port' | 'identity_file' | 'connect_timeout' | 'keepalive_interval' | 'keepalive_count_max'> & Partial<Pick<SshHostSettings, 'ssh_transport'>>): SshTarget {
  return {
    host: system.host,
    ...(system.user !== undefined ? { user: system.user } : {}),
    ...(system.port !== undefined ? { port: system.port } : {}),
    ...(system.identity_file !== undefined ? { identityFile: system.identity_file } : {}),
    connectTimeoutSeconds: system.connect_timeout,
    keepaliveIntervalSeconds: system.keepalive_interval,
    keepaliveCountMax: system.keepalive_count_max,
    ...(system.ssh_transport !== undefined ? { transport: system.ssh_transport } : {}),
  };
}
