// The lab's address as the Outpost states it: "host:port", or a URL with them, read as ForwardBaseSpawner's
// split_service_address reads it; anything else is refused rather than tunnelled to. Whatever reaches that address
// carries the lab's token (the readiness check, every later check, the browser), so it must be where the user
// pointed hubtray: reached directly, on the Outpost's own host or a host allowed_service_hosts names; through
// ssh_node, anywhere that node reaches, since the node is the user's. An Outpost answering another address (its
// sanitize_start_response, a hostile one, a lab posting to the setup-tunnel callback) would otherwise get the token.
import { boundedText } from '../../../../shared/text.js';
import { OutpostError } from './outpost-error.js';

/** A lab listening on every interface of its host (misc.ip = "0.0.0.0"): reached on the host that was asked. */
const LISTEN_ALL = new Set(['0.0.0.0', '::', '0:0:0:0:0:0:0:0']);
/** The names of this computer: an Outpost at one of them may say another. */
const THIS_COMPUTER = new Set(['localhost', '127.0.0.1', '::1']);

export interface LabRoute {
  /** The Outpost's services URL: reached directly, the lab must be on its host. */
  requestUrl: string;
  /** The lab is reached through the SSH node. */
  throughNode: boolean;
  /** allowed_service_hosts: more hosts the user trusts with the lab's token. */
  allowedHosts: string[];
}

export function splitService(service: string): { host: string; port: number } {
  const match = /^(?:https?:\/\/)?(\[[^\]]+\]|[^:/\s]+):(\d{1,5})(?:\/.*)?$/.exec(service.trim());
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535) throw new OutpostError(`the Outpost's service address "${boundedText(service, 100)}" is not host:port`, null);
  return { host: (match[1] as string).replace(/^\[|\]$/g, '').toLowerCase(), port };
}

/** "host:port" without a scheme or path, as the record keeps it. */
export function normalService(service: string): string {
  const { host, port } = splitService(service);
  return joinHostPort(host, port);
}

/**
 * The address with a listen-all host replaced by the one asked: the SSH node itself (127.0.0.1 there, as ssh's
 * forward to 0.0.0.0 reaches it), else the Outpost's host. 0.0.0.0 is never connected to, nor shown.
 */
export function resolveListenAll(service: string, route: LabRoute): string {
  const { host, port } = splitService(service);
  if (!LISTEN_ALL.has(host)) return joinHostPort(host, port);
  return joinHostPort(route.throughNode ? '127.0.0.1' : outpostHost(route), port);
}

/** Throws, naming the address, when the lab's token must not go there. */
export function checkLabAddress(service: string, route: LabRoute): void {
  if (route.throughNode) return;
  const { host } = splitService(service);
  const own = outpostHost(route);
  if (sameHost(host, own) || route.allowedHosts.some((allowed) => sameHost(host, allowed))) return;
  throw new OutpostError(
    `the lab's address ${boundedText(service, 100)} is not on the Outpost's host (${own}), and hubtray sends the lab's token only there or through ssh_node; ` +
      `if that host is yours to trust, add it to allowed_service_hosts`,
    null,
  );
}

function outpostHost(route: LabRoute): string {
  return new URL(route.requestUrl).hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

function sameHost(a: string, b: string): boolean {
  const x = a.replace(/^\[|\]$/g, '').toLowerCase();
  const y = b.replace(/^\[|\]$/g, '').toLowerCase();
  return x === y || (THIS_COMPUTER.has(x) && THIS_COMPUTER.has(y));
}

function joinHostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
