// JupyterHub's OAuth2 provider, as far as jupyterhub-singleuser uses it: the browser is sent to
// /hub/api/oauth2/authorize, comes back to the lab's oauth_callback with a code, and the lab trades the code (with its
// API token as client secret) for an access token at /hub/api/oauth2/token. Only the user's own browser session gets
// a code, and only for a lab hubtray registered; there is no consent page, as JupyterHub has none for a user's own
// servers.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BrowserSessions } from './browser-sessions.js';
import { sendJson } from '../net/json-reply.js';
import { readBody, redirect, sendPage } from './http.js';
import { accessScopes, type TokenTable } from './tokens.js';

export interface OAuthClient {
  user: string;
  server: string;
  clientId: string;
  /** The lab's callback path (JUPYTERHUB_OAUTH_CALLBACK_URL), relative as JupyterHub sets it. */
  callbackPath: string;
  /**
   * The origin the browser reaches the lab at (its tunnel on this computer), learned when hubtray opens it: a relative
   * redirect would land on the personal hub's own port.
   */
  browserOrigin: string | null;
}

const CODE_TTL_MS = 5 * 60_000;

export class OAuthProvider {
  private readonly codes = new Map<string, { clientId: string; redirectUri: string; expires: number }>();

  constructor(
    private readonly tokens: TokenTable,
    private readonly sessions: Pick<BrowserSessions, 'loggedIn'>,
    private readonly client: (clientId: string) => OAuthClient | undefined,
  ) {}

  authorize(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
    const client = this.client(query.get('client_id') ?? '');
    const redirectUri = query.get('redirect_uri') ?? '';
    if (!client) return sendPage(res, 400, 'Unknown server', 'This server is not one that hubtray runs (any more). Open your servers from hubtray.');
    if (query.get('response_type') !== 'code') return sendPage(res, 400, 'Unsupported request', 'Only the authorization code flow is supported.');
    // Opening the server from hubtray both logs the browser in and tells where the browser reaches the lab.
    if (!client.browserOrigin || !this.sessions.loggedIn(req)) {
      return sendPage(res, 403, 'Open this server from hubtray', 'The browser is not logged in to hubtray’s personal hub. Use “Open” in hubtray (tray menu, window or `hubtray open`), which logs the browser in.');
    }
    const target = callbackTarget(client.browserOrigin, client.callbackPath, redirectUri);
    if (!target) return sendPage(res, 400, 'Wrong redirect', `The redirect_uri does not belong to ${client.server}.`);
    this.prune();
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, { clientId: client.clientId, redirectUri, expires: Date.now() + CODE_TTL_MS });
    const location = new URL(target);
    location.searchParams.set('code', code);
    const state = query.get('state');
    if (state !== null) location.searchParams.set('state', state);
    redirect(res, location.toString());
  }

  /** RFC 6749's token endpoint; its errors are OAuth's {error, error_description}, which HubAuth passes on. */
  async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req));
    const refuse = (error: string, description: string) => sendJson(res, 400, { error, error_description: description });
    if (form.get('grant_type') !== 'authorization_code') return refuse('unsupported_grant_type', 'only authorization_code is supported');
    const code = form.get('code') ?? '';
    const issued = this.codes.get(code);
    // A code is good for one exchange.
    this.codes.delete(code);
    const client = this.client(form.get('client_id') ?? '');
    if (!issued || issued.expires <= Date.now() || !client || issued.clientId !== client.clientId) return refuse('invalid_grant', 'unknown or expired code');
    if ((form.get('redirect_uri') ?? '') !== issued.redirectUri) return refuse('invalid_grant', 'redirect_uri differs from the authorization request');
    if (!this.tokens.isServerToken(form.get('client_secret') ?? '', client.user, client.server)) return refuse('invalid_client', 'wrong client secret');
    const accessToken = this.tokens.issueAccessToken(client.user, client.server);
    sendJson(res, 200, { access_token: accessToken, token_type: 'Bearer', scope: accessScopes(client.user, client.server).join(' ') });
  }

  private prune(): void {
    const now = Date.now();
    for (const [code, issued] of this.codes) if (issued.expires <= now) this.codes.delete(code);
  }
}

/** Where the browser goes with its code: the registered callback, at the origin the browser reaches the lab at. */
function callbackTarget(origin: string, callbackPath: string, redirectUri: string): string | null {
  const wanted = new URL(callbackPath, origin).toString();
  const asked = redirectUri.startsWith('/') ? new URL(redirectUri, origin).toString() : redirectUri;
  return asked === wanted ? wanted : null;
}
