// How the lab reaches hubtray's personal hub (its JUPYTERHUB_API_URL): at public_api_url, where the user has made the
// hub reachable by other means; through an SSH remote forward on the SSH node (ssh_create_remote_forward); or, for an
// Outpost on this computer, at the hub's own address. Anything else would leave the lab without a hub (it exits after
// about 46 s), so it is refused before the start is sent.
import type { PersonalHub } from '../../singleuser-api/personal-hub.js';
import type { RemoteForward, SshPool } from '../../ssh/ssh-pool.js';
import type { SshTarget } from '../../ssh/ssh-target.js';
import type { OutpostState } from './outpost-state.js';
import type { SettingResolver } from './resolver.js';
import { remoteForwardTarget } from './ssh-node.js';

export interface HubLink {
  apiUrl: string;
  forward: RemoteForward | null;
  /** What the record keeps to open the forward again after a restart. */
  saved: OutpostState['remote_forward'];
}

export interface HubLinkDeps {
  pool: SshPool;
  personalHub: PersonalHub;
}

const WILDCARD = new Set(['', '0.0.0.0', '::', '*']);

export async function linkLabToHub(settings: SettingResolver, deps: HubLinkDeps, requestUrl: string, sshNode: SshTarget | null): Promise<HubLink> {
  const publicUrl = await settings.value('public_api_url');
  if (publicUrl) return { apiUrl: publicUrl.replace(/\/+$/, ''), forward: null, saved: null };
  if (await settings.value('ssh_create_remote_forward')) {
    const target = await remoteForwardTarget(settings, sshNode);
    if (!target) throw new Error('ssh_create_remote_forward needs an SSH host to listen on: set ssh_node or ssh_remote_node');
    const bind = await settings.value('remote_forward_bind_address');
    const forward = await openForward(deps, target, bind, await settings.value('remote_forward_port'));
    // A forward listening on every address of its host is reached by that host's name.
    const host = WILDCARD.has(bind) ? target.host : bind;
    return { apiUrl: `http://${hostInUrl(host)}:${forward.remotePort}/hub/api`, forward, saved: { target, bind, port: forward.remotePort } };
  }
  if (isLoopback(new URL(requestUrl).hostname)) return { apiUrl: `${await deps.personalHub.address()}/hub/api`, forward: null, saved: null };
  throw new Error(
    `the lab could not reach hubtray: its Outpost (${requestUrl}) is on another machine, and hubtray's personal hub listens on this computer only. ` +
      'Set ssh_create_remote_forward (with ssh_node), or public_api_url if you have made the hub reachable yourself',
  );
}

/** The remote forward again, after a restart of hubtray, on the port the lab knows. */
export function reopenForward(deps: HubLinkDeps, saved: NonNullable<OutpostState['remote_forward']>): Promise<RemoteForward> {
  return openForward(deps, saved.target, saved.bind, saved.port);
}

async function openForward(deps: HubLinkDeps, target: SshTarget, bind: string, port: number): Promise<RemoteForward> {
  const local = new URL(await deps.personalHub.address());
  return deps.pool.forwardRemote(target, { host: bind, port }, { host: local.hostname, port: Number(local.port) });
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

function hostInUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
