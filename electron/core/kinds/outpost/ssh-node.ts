// The SSH hosts an Outpost system uses, from its ssh_* settings (each may be a hook, called as ForwardBaseSpawner
// calls it, with port_forward_info): the SSH node that leads to the lab, and the host of the remote forward that
// leads the lab back to hubtray. ssh_forward_options win over ssh_port and ssh_key, as in ForwardBaseSpawner's
// command line; ~/.ssh/config fills in what neither says. A key is a file, or `keychain:NAME` for a key kept in the
// keychain (the SSH layer reads it there, in memory).
import type { SshForwardOptions } from '../../../../shared/kinds/outpost.js';
import { KEYCHAIN_KEY_NAME, KEYCHAIN_KEY_PREFIX } from '../../ssh/auth.js';
import type { SshTarget } from '../../ssh/ssh-target.js';
import type { SettingResolver } from './resolver.js';

// ForwardBaseSpawner's ServerAliveInterval; hubtray's usual connect timeout and keepalive count.
const SERVER_ALIVE_INTERVAL_S = 15;
const CONNECT_TIMEOUT_S = 15;
const SERVER_ALIVE_COUNT_MAX = 3;

/** The SSH node the lab is reached through, or null when it is reached directly. */
export async function sshNodeTarget(settings: SettingResolver, portForwardInfo: Record<string, unknown>): Promise<SshTarget | null> {
  const node = await settings.value('ssh_node', portForwardInfo);
  if (!node || !(await settings.value('ssh_during_startup'))) return null;
  return target({
    host: await mapNode(settings, node),
    port: await settings.value('ssh_port', portForwardInfo),
    user: await settings.value('ssh_username', portForwardInfo),
    key: await settings.value('ssh_key', portForwardInfo),
    options: await settings.value('ssh_forward_options', portForwardInfo),
  });
}

/** The host the remote forward listens on: ssh_remote_* where set, else the SSH node's own settings. */
export async function remoteForwardTarget(settings: SettingResolver, sshNode: SshTarget | null): Promise<SshTarget | null> {
  const node = await settings.value('ssh_remote_node', {});
  if (!node) return sshNode;
  const user = await settings.value('ssh_remote_username', {});
  return target({
    host: await mapNode(settings, node),
    port: await settings.value('ssh_remote_port', {}),
    user: user ?? sshNode?.user ?? null,
    key: (await settings.value('ssh_remote_key', {})) ?? sshNode?.identityFile,
    options: {},
  });
}

/** ssh_node_mapping: a dict of node names, or a hook that maps one. */
async function mapNode(settings: SettingResolver, node: string): Promise<string> {
  const answer = await settings.hookAnswer('ssh_node_mapping', node);
  if (answer !== undefined) {
    if (typeof answer !== 'string' || !/^[^\s'"`$;&|<>\\]+$/.test(answer)) throw new Error(`hook ssh_node_mapping returned ${JSON.stringify(answer)}, which is not a host name`);
    return answer;
  }
  const mapping = await settings.value('ssh_node_mapping');
  return mapping[node] ?? node;
}

function target(s: { host: string; port: number | undefined; user: string | null | undefined; key: string | undefined; options: SshForwardOptions }): SshTarget {
  const o = s.options;
  const port = o.Port !== undefined ? Number(o.Port) : s.port;
  const user = o.User ?? s.user ?? undefined;
  const key = o.IdentityFile ?? s.key;
  // A hook may answer any string; a keychain name that ssh config's expansion would change finds no key.
  if (key?.startsWith(KEYCHAIN_KEY_PREFIX) && !KEYCHAIN_KEY_NAME.test(key.slice(KEYCHAIN_KEY_PREFIX.length))) {
    throw new Error(`the SSH key ${JSON.stringify(key)} names no keychain key: a name has letters, digits and . _ @ - only`);
  }
  return {
    host: s.host,
    ...(user ? { user } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(key ? { identityFile: key } : {}),
    connectTimeoutSeconds: o.ConnectTimeout !== undefined ? Number(o.ConnectTimeout) : CONNECT_TIMEOUT_S,
    keepaliveIntervalSeconds: o.ServerAliveInterval !== undefined ? Number(o.ServerAliveInterval) : SERVER_ALIVE_INTERVAL_S,
    keepaliveCountMax: o.ServerAliveCountMax !== undefined ? Number(o.ServerAliveCountMax) : SERVER_ALIVE_COUNT_MAX,
  };
}
