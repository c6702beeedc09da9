// Who may talk to the local API. Binding to 127.0.0.1 keeps other machines out, but not web pages: a page in the
// user's browser can reach 127.0.0.1, directly (cross-origin) or through DNS rebinding (its own host name resolving
// to 127.0.0.1). The Host check defeats rebinding, the Origin check defeats cross-origin pages, and the token
// defeats every other local process that is not the user's.
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../boundary/http-error.js';

/** Throws 403 unless the request names this server by a loopback name, and comes from no page or from our own. */
export function checkHostAndOrigin(req: IncomingMessage, port: number): void {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const host = req.headers.host?.toLowerCase();
  if (host === undefined || !hosts.includes(host)) {
    throw new HttpError(403, 'unauthorized', `forbidden Host header "${host ?? ''}": the hubtray API answers only to ${hosts.join(' or ')}`);
  }
  const origin = req.headers.origin?.toLowerCase();
  if (origin !== undefined && !hosts.some((h) => origin === `http://${h}`)) {
    throw new HttpError(403, 'unauthorized', `forbidden Origin "${origin}": the hubtray API answers only to pages it serves itself`);
  }
}

/**
 * Throws 401 unless the request carries the token: as a Bearer header, or, where `allowQuery` (the WebSocket
 * upgrade, since browsers cannot set headers on one), as `?token=`. There is deliberately no cookie: cookies are
 * shared by every port on 127.0.0.1, so one would also be sent to the Jupyter servers that hubtray tunnels there.
 */
export function checkToken(req: IncomingMessage, token: string, allowQuery: boolean): void {
  const bearer = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const query = allowQuery ? new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('token') : null;
  const offered = bearer ?? query;
  if (offered === undefined || offered === null || !sameSecret(offered, token)) {
    throw new HttpError(401, 'unauthorized', 'missing or wrong hubtray API token', { 'WWW-Authenticate': 'Bearer realm="hubtray"' });
  }
}

/** Compares digests so that neither the content nor the length of the token leaks through timing. */
function sameSecret(offered: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(offered), digest(expected));
}
