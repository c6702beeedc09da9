// How the browser gets into a server on a hub, the Launcher's way: a token of the server's own (scoped to just that
// server) goes in the URL, and the single-user server turns it into its login cookie. Where the hub will not issue one,
// or will not take tokens in URLs (JupyterHub 4.1 and later, by default), the hub's login page opens instead.
import { HubApiError } from './errors.js';
import { label } from './api.js';
import type { HubClient } from './client.js';

export interface ServerAccess {
  /** What the server accepts: its own token, or (header only, never in a URL) the API token. */
  token: string;
  /** The server token's id on the hub, so that stopping the server deletes it. */
  tokenId: string | null;
  login: { path: string; note: string } | null;
}

export async function serverAccess(client: HubClient, user: string, server: string, serverPath: string): Promise<ServerAccess> {
  const login = (note: string) => ({ path: loginPath(client.address.hubUrl, serverPath), note });
  let issued;
  try {
    issued = await client.api.createToken(user, { note: `hubtray: ${label(user, server)}`, scopes: [`access:servers!server=${user}/${server}`] });
  } catch (error) {
    if (!(error instanceof HubApiError) || error.status !== 403) throw error;
    return { token: client.token, tokenId: null, login: login('the hub did not let hubtray create a token for this server, so it opens the hub’s login page; log in there') };
  }
  const version = await client.api.version().catch(() => '');
  const refused = version && !takesUrlTokens(version);
  return {
    token: issued.token,
    tokenId: issued.id,
    login: refused ? login(`JupyterHub ${version} does not take tokens in URLs, so this opens the hub’s login page; log in there`) : null,
  };
}

/** JupyterHub 4.1 turned token-in-URL login off by default (JUPYTERHUB_ALLOW_TOKEN_IN_URL). */
export function takesUrlTokens(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  return major < 4 || (major === 4 && minor < 1);
}

function loginPath(hubUrl: URL, serverPath: string): string {
  return `${hubUrl.pathname}hub/login?next=${encodeURIComponent(serverPath)}`;
}
