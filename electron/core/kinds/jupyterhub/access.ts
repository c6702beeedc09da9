// How the browser gets into a server on a hub, the Launcher's way: a token of the server's own (scoped to just that
// server) goes in the URL, and the single-user server turns it into its login cookie. Whether a server takes tokens in
// URLs is its own setting (JUPYTERHUB_ALLOW_TOKEN_IN_URL in its environment, from JupyterHub 4.1; off by default from
// 5.0), which no hub API reports, so hubtray asks the server itself: one request with the token in its URL, as the
// browser's would be. Where the hub will not issue a token, or the server turns it away, the hub's login page opens.
import { request } from 'undici';
import { HubApiError } from './hub-api-error.js';
import { label } from './api.js';
import type { HubClient } from './client.js';
import { onHub } from './origin.js';

export interface ServerAccess {
  /** What the server accepts: its own token, or (header only, never in a URL) the API token. */
  token: string;
  /** The server token's id on the hub, so that stopping the server deletes it. */
  tokenId: string | null;
  login: { path: string; note: string } | null;
}

const PROBE_TIMEOUT_MS = 10_000;

export async function serverAccess(client: HubClient, user: string, server: string, serverPath: string): Promise<ServerAccess> {
  const login = (note: string) => ({ path: loginPath(client.address.hubUrl, serverPath), note });
  // serverPath is absolute (it has the hub's base_url in it), so only the base's origin counts.
  const probe = onHub(`${serverPath}api/status`, await client.address.publicBase());
  let issued;
  try {
    issued = await client.api.createToken(user, { note: `hubtray: ${label(user, server)}`, scopes: [`access:servers!server=${user}/${server}`] });
  } catch (error) {
    if (!(error instanceof HubApiError) || error.status !== 403) throw error;
    return { token: client.token.current, tokenId: null, login: login('the hub did not let hubtray create a token for this server, so it opens the hub’s login page; log in there') };
  }
  const refused = await refusesUrlTokens(probe, issued.token);
  return {
    token: issued.token,
    tokenId: issued.id,
    login: refused
      ? login(`${refused}, so this opens the hub’s login page; log in there (JUPYTERHUB_ALLOW_TOKEN_IN_URL=1 in the server’s environment lets hubtray log you in)`)
      : null,
  };
}

/**
 * Why the server would not log a browser in from a token in its URL, or null when it does: it answers the request
 * and hands out its login cookie. A server that cannot be reached from here gets the token URL: the browser meets the
 * same server, and the Hub's own check that the server answers reports that.
 */
async function refusesUrlTokens(probe: URL, token: string): Promise<string | null> {
  const url = new URL(probe);
  url.searchParams.set('token', token);
  let res;
  try {
    res = await request(url, { method: 'GET', headersTimeout: PROBE_TIMEOUT_MS, bodyTimeout: PROBE_TIMEOUT_MS, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await res.body.dump();
  } catch {
    return null;
  }
  if (res.statusCode === 200 && res.headers['set-cookie'] !== undefined) return null;
  return `the server turned away a token in its URL (it answered ${res.statusCode})`;
}

function loginPath(hubUrl: URL, serverPath: string): string {
  return `${hubUrl.pathname}hub/login?next=${encodeURIComponent(serverPath)}`;
}
