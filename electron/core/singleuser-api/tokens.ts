// Who a token belongs to. Three kinds: each server's API token (JUPYTERHUB_API_TOKEN, registered while the server is
// hubtray's), the OAuth access tokens handed to a lab after a browser login, and an Outpost's token for its flavor
// updates (JUPYTERHUB_FLAVORS_UPDATE_TOKEN), which outlives the servers it was handed to. Tokens are held by their SHA-256
// digest, so the table never compares secrets byte by byte, and dropping a server revokes every token it had.
import { createHash, randomBytes } from 'node:crypto';

export interface TokenOwner {
  user: string;
  /** For kind 'outpost': the Outpost's request_url. */
  server: string;
  kind: 'server' | 'oauth' | 'outpost';
  scopes: string[];
}

/** The scope of OutpostSpawner's flavors-update route. */
export const OUTPOST_FLAVORS_SCOPE = 'custom:outpostflavors:set';

/** A server's OAuth access tokens last as long as JupyterHub's default cookie (14 days); the server's stop ends them sooner. */
const OAUTH_TOKEN_TTL_MS = 14 * 24 * 3600_000;

export class TokenTable {
  private readonly owners = new Map<string, TokenOwner & { expires: number }>();

  /** The server's own token: what the lab and the Outpost call back with. */
  addServerToken(token: string, user: string, server: string): void {
    this.owners.set(digest(token), { user, server, kind: 'server', scopes: serverScopes(user, server), expires: Infinity });
  }

  /** The token an Outpost posts its flavor use with; it may do nothing else. */
  addOutpostToken(token: string, user: string, requestUrl: string): void {
    this.owners.set(digest(token), { user, server: requestUrl, kind: 'outpost', scopes: [OUTPOST_FLAVORS_SCOPE], expires: Infinity });
  }

  /** A fresh access token for a browser that logged in to `server` through OAuth. */
  issueAccessToken(user: string, server: string): string {
    const token = randomBytes(24).toString('hex');
    this.owners.set(digest(token), { user, server, kind: 'oauth', scopes: accessScopes(user, server), expires: Date.now() + OAUTH_TOKEN_TTL_MS });
    return token;
  }

  owner(token: string): TokenOwner | null {
    const key = digest(token);
    const owner = this.owners.get(key);
    if (!owner) return null;
    if (owner.expires <= Date.now()) {
      this.owners.delete(key);
      return null;
    }
    return { user: owner.user, server: owner.server, kind: owner.kind, scopes: owner.scopes };
  }

  /** Whether `token` is the server token of user/server (the OAuth client secret is that token). */
  isServerToken(token: string, user: string, server: string): boolean {
    const owner = this.owner(token);
    return owner?.kind === 'server' && owner.user === user && owner.server === server;
  }

  /** Revokes every token of user/server (an Outpost's token is not a server's). */
  dropServer(user: string, server: string): void {
    for (const [key, owner] of this.owners) if (owner.kind !== 'outpost' && owner.user === user && owner.server === server) this.owners.delete(key);
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** JupyterHub's `server` role: report activity and reach its own server. */
function serverScopes(user: string, server: string): string[] {
  return [`users:activity!user=${user}`, `access:servers!server=${user}/${server}`, `read:users:name!user=${user}`];
}

/** What a browser's OAuth token lets it do: be identified, and use this one server (JUPYTERHUB_OAUTH_ACCESS_SCOPES). */
export function accessScopes(user: string, server: string): string[] {
  return [`access:servers!server=${user}/${server}`, `read:users:name!user=${user}`, `read:users:groups!user=${user}`];
}
