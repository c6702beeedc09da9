// Credentials stay on the hub the user configured. A server's URL from a hub (its model's `url`, its ready event's)
// goes into requests that carry the server's token, or the user's own API token where the hub will not issue one; so
// it must be a path, and every URL built against the hub must keep the hub's origin. A string check is not enough:
// `//elsewhere/` and `/\elsewhere/` start with a slash, and URL parsing drops tabs and newlines (`/\t/elsewhere/`).
import { boundedText } from '../../../../shared/text.js';
import { HubAnswerError } from './hub-api-error.js';

// Parsing is the same for every http(s) origin, so a path that stays on this one stays on any hub's.
const ANY_HUB = new URL('http://hub.invalid/');

/** Whether `url` is a path: resolved against a hub, it stays on the hub's origin. */
export function isPathOnHub(url: string): boolean {
  return url.startsWith('/') && parse(url, ANY_HUB)?.origin === ANY_HUB.origin;
}

/** The path the hub named as the address of `what` ("alice's default server"), or the error that refuses it. */
export function pathOnHub(url: string, what: string): string {
  if (isPathOnHub(url)) return new URL(url, ANY_HUB).pathname;
  const elsewhere = parse(url, ANY_HUB)?.origin;
  const leads = elsewhere && elsewhere !== 'null' && elsewhere !== ANY_HUB.origin ? ` (it leads to ${elsewhere})` : '';
  throw new HubAnswerError(
    `the hub named ${quote(url)} as the address of ${what}, which is not a path on the hub${leads}; hubtray refuses it rather than send the server's token there`,
  );
}

/** `path` resolved against the hub's `base`; refused when the result would leave the hub's origin. */
export function onHub(path: string, base: string | URL): URL {
  const hub = new URL(base);
  const url = parse(path, hub);
  if (url?.origin === hub.origin) return url;
  throw new HubAnswerError(`hubtray refused to send a request for ${quote(path)}, which leads off the hub at ${hub.origin}${url ? ` to ${url.origin}` : ''}`);
}

function parse(url: string, base: URL): URL | null {
  try {
    return new URL(url, base);
  } catch {
    return null;
  }
}

function quote(url: string): string {
  return JSON.stringify(boundedText(url, 200));
}
