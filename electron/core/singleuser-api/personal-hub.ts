// hubtray's personal hub: the part of JupyterHub's API that a jupyterhub-singleuser started by an Outpost calls back
// (version, /user, activity, OAuth login), plus the Outpost's own callbacks (progress events, setup tunnel). It
// listens on 127.0.0.1 only, on the port it had before whenever it can; labs reach it through an SSH remote forward
// or at public_api_url. Each server registers its API token while it is hubtray's, and its tokens die with it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import os from 'node:os';
import { reportedActivity } from './activity-report.js';
import { BrowserSessions } from './browser-sessions.js';
import { listenOnLoopback } from '../net/listen.js';
import { sendJson } from '../net/json-reply.js';
import { bearerToken, HubHttpError, readJsonObject, redirect, sendEmpty, sendError, sendLogo, sendPage } from './http.js';
import { OAuthProvider, type OAuthClient } from './oauth.js';
import { rememberedPort, rememberPort } from './remembered-port.js';
import { OUTPOST_FLAVORS_SCOPE, TokenTable, type TokenOwner } from './tokens.js';
import { errorMessage } from '../../../shared/error-message.js';

/** The JupyterHub version whose API this serves; jupyterhub-singleuser only warns when its own differs. */
export const PERSONAL_HUB_VERSION = '3.0.0';

export interface ServerCallbacks {
  /** A progress event the Outpost posted for this server (JUPYTERHUB_EVENTS_URL). */
  event(event: Record<string, unknown>): void;
  /** The setup-tunnel callback (JUPYTERHUB_SETUPTUNNEL_URL): where the lab listens. Throwing answers 400 with the message. */
  setupTunnel(body: Record<string, unknown>): Promise<void>;
  /** The lab's activity report (JUPYTERHUB_ACTIVITY_URL): its last activity, in the lab's clock. */
  activity(reported: Date): void;
}

export interface RegisteredServer {
  readonly clientId: string;
  /** JUPYTERHUB_OAUTH_CALLBACK_URL: relative, as JupyterHub sets it. */
  readonly callbackPath: string;
  /** The origin the browser reaches the lab at; the OAuth round trip sends the browser back there. */
  setBrowserOrigin(origin: string): void;
  /** Forgets the server and revokes its tokens. */
  close(): void;
}

interface Entry extends OAuthClient {
  callbacks: ServerCallbacks;
}

export interface PersonalHubOptions {
  /** Where the port is remembered across restarts. */
  portFile: string;
  /** One line per request (method, path, status); never a query string or a token. */
  log?: (line: string) => void;
}

const API = '/hub/api';

export class PersonalHub {
  /** The hub user every server runs for: the person at this computer. */
  readonly user: string;
  private readonly tokens = new TokenTable();
  private readonly entries = new Map<string, Entry>();
  private readonly oauth: OAuthProvider;
  private sessions: BrowserSessions | null = null;
  private readonly held = new Set<{ close(): Promise<void> }>();
  /** The flavor use each Outpost (by request_url) posted last. */
  private readonly flavorUpdates = new Map<string, Record<string, unknown>>();
  private listening: Promise<{ server: Server; port: number }> | null = null;

  constructor(private readonly options: PersonalHubOptions) {
    this.user = os.userInfo().username;
    this.oauth = new OAuthProvider(this.tokens, { loggedIn: (req) => this.sessions?.loggedIn(req) ?? false }, (clientId) =>
      [...this.entries.values()].find((e) => e.clientId === clientId),
    );
  }

  /** http://127.0.0.1:PORT, where the hub listens; it starts listening on the first call. */
  async address(): Promise<string> {
    return `http://127.0.0.1:${(await this.listen()).port}`;
  }

  /** Registers a server's API token and callbacks; a server registered again under its name replaces the old one. */
  register(server: string, token: string, callbacks: ServerCallbacks): RegisteredServer {
    const user = this.user;
    this.drop(server);
    const entry: Entry = {
      user,
      server,
      clientId: `jupyterhub-user-${encodeURIComponent(user)}-${encodeURIComponent(server)}`,
      callbackPath: `/user/${encodeURIComponent(user)}/${encodeURIComponent(server)}/oauth_callback`,
      browserOrigin: null,
      callbacks,
    };
    this.entries.set(server, entry);
    this.tokens.addServerToken(token, user, server);
    return {
      clientId: entry.clientId,
      callbackPath: entry.callbackPath,
      setBrowserOrigin: (origin) => (entry.browserOrigin = origin),
      close: () => {
        if (this.entries.get(server) === entry) this.drop(server);
      },
    };
  }

  /** Accepts `token` for the Outpost at `requestUrl`'s flavor updates (POST …/outpostflavors/NAME). */
  acceptFlavorUpdates(requestUrl: string, token: string): void {
    this.tokens.addOutpostToken(token, this.user, requestUrl);
  }

  /** The flavors the Outpost at `requestUrl` posted last (the body of GET /flavors/), if it has. */
  postedFlavors(requestUrl: string): Record<string, unknown> | undefined {
    return this.flavorUpdates.get(requestUrl);
  }

  /** A single-use link that logs the browser in to this hub and then opens `next` (a registered lab). */
  async loginUrl(next: string): Promise<string> {
    const { port } = await this.listen();
    const ticket = (this.sessions as BrowserSessions).ticket(next);
    return `http://127.0.0.1:${port}/hub/login?ticket=${encodeURIComponent(ticket)}`;
  }

  /**
   * Something a server keeps open for the browser while hubtray runs (a lab's TLS relay): closed with this hub at the
   * latest, so that the next hubtray finds its port free. Returns what lets it go earlier.
   */
  hold(resource: { close(): Promise<void> }): () => void {
    this.held.add(resource);
    return () => this.held.delete(resource);
  }

  async close(): Promise<void> {
    const resources = [...this.held];
    this.held.clear();
    await Promise.all(resources.map((resource) => resource.close().catch(() => undefined)));
    const listening = this.listening;
    this.listening = null;
    if (!listening) return;
    const { server } = await listening.catch(() => ({ server: null }));
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  private drop(server: string): void {
    this.entries.delete(server);
    this.tokens.dropServer(this.user, server);
  }

  private listen(): Promise<{ server: Server; port: number }> {
    this.listening ??= this.open();
    return this.listening;
  }

  private async open(): Promise<{ server: Server; port: number }> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        const refusal = error instanceof HubHttpError ? error : new HubHttpError(500, `internal error in hubtray's personal hub: ${errorMessage(error)}`);
        if (!res.headersSent) sendError(res, refusal);
        else res.destroy();
      });
    });
    const wanted = await rememberedPort(this.options.portFile);
    let port: number;
    try {
      port = await listenOnLoopback(server, wanted);
    } catch (error) {
      if (wanted === 0) throw error;
      // Taken by something else meanwhile: labs started before keep the old address, new ones get this one.
      this.options.log?.(`personal hub: port ${wanted} is taken (${errorMessage(error)}); using another`);
      port = await listenOnLoopback(server, 0);
    }
    await rememberPort(this.options.portFile, port);
    this.sessions = new BrowserSessions(`hubtray-hub-${port}`);
    return { server, port };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-JupyterHub-Version', PERSONAL_HUB_VERSION);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    res.on('finish', () => this.options.log?.(`personal hub: ${req.method ?? '?'} ${path} ${res.statusCode}`));
    if (path === API || path === `${API}/`) return sendJson(res, 200, { version: PERSONAL_HUB_VERSION });
    if (path.startsWith(`${API}/`)) return this.api(req, res, path.slice(API.length), url.searchParams);
    return this.browser(req, res, path, url.searchParams);
  }

  /** What labs and the Outpost call: authenticated by token, reachable through the remote forward. */
  private async api(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    const method = req.method ?? 'GET';
    if (path === '/oauth2/authorize' && method === 'GET') {
      this.checkBrowserHost(req);
      return this.oauth.authorize(req, res, query);
    }
    if (path === '/oauth2/token' && method === 'POST') return this.oauth.token(req, res);
    const owner = this.owner(req);
    // OutpostSpawner's flavors-update route: the Outpost's flavor use after a start or stop. The name in the path is
    // the hub's name for the Outpost; the token says which Outpost it is.
    if (/^\/outpostflavors\/[^/]+$/.test(path) && method === 'POST') {
      if (owner.kind !== 'outpost' || !owner.scopes.includes(OUTPOST_FLAVORS_SCOPE)) throw new HubHttpError(403, `this token lacks the scope ${OUTPOST_FLAVORS_SCOPE}`);
      this.flavorUpdates.set(owner.server, (await readJsonObject(req)) ?? {});
      return sendEmpty(res, 200);
    }
    if (owner.kind === 'outpost') throw new HubHttpError(403, 'an Outpost\'s flavors-update token may only post flavors');
    if (path === '/user' && method === 'GET') return sendJson(res, 200, userModel(owner));
    const activity = /^\/users\/([^/]+)\/activity$/.exec(path);
    if (activity && method === 'POST') {
      const entry = this.entryFor(owner, decodeURIComponent(activity[1] as string), owner.server);
      entry.callbacks.activity(reportedActivity(await readJsonObject(req), owner.server));
      return sendEmpty(res);
    }
    const callback = /^\/users\/(progress\/events|setuptunnel)\/([^/]+)\/([^/]+)$/.exec(path);
    if (callback && method === 'POST') {
      const entry = this.entryFor(owner, decodeURIComponent(callback[2] as string), decodeURIComponent(callback[3] as string));
      const body = await readJsonObject(req);
      if (!body) throw new HubHttpError(400, 'the request body is empty');
      if (callback[1] === 'setuptunnel') {
        await entry.callbacks.setupTunnel(body).catch((error: unknown) => {
          throw new HubHttpError(400, errorMessage(error));
        });
      } else {
        entry.callbacks.event(body);
      }
      return sendEmpty(res);
    }
    throw new HubHttpError(404, `hubtray's personal hub has no ${method} ${API}${path}`);
  }

  /** Pages a person's browser visits: the login link, logout, and where the lab's hub links lead. */
  private browser(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): void {
    this.checkBrowserHost(req);
    const sessions = this.sessions as BrowserSessions;
    if (path === '/hub/login') {
      const redeemed = sessions.redeem(query.get('ticket') ?? '');
      if (!redeemed) return sendPage(res, 403, 'This link was used already', 'Login links work once, for a minute. Open the server from hubtray again.');
      return redirect(res, redeemed.next, { 'Set-Cookie': redeemed.setCookie });
    }
    if (path === '/hub/logout') {
      res.setHeader('Set-Cookie', sessions.logOut(req));
      return sendPage(res, 200, 'Logged out', 'The browser is logged out of hubtray’s personal hub. Open a server from hubtray to log in again.');
    }
    if (path === '/hub/security/csp-report') return sendEmpty(res);
    // The lab's header shows the hub's logo and links its "Control Panel" to the hub's home.
    if (path === '/hub/logo') return sendLogo(res);
    const home = path === '/hub/home' || path === '/hub/' || path === '/hub';
    return sendPage(res, home ? 200 : 404, 'hubtray', 'This is hubtray’s personal hub, which logs your browser in to the servers hubtray runs. Manage them in hubtray (tray menu, window or `hubtray list`).');
  }

  private owner(req: IncomingMessage): TokenOwner {
    const token = bearerToken(req);
    const owner = token ? this.tokens.owner(token) : null;
    // 403, as JupyterHub answers: jupyterhub-singleuser reads it as "no such user", anything else as a hub failure.
    if (!owner) throw new HubHttpError(403, 'Missing or invalid credentials.');
    return owner;
  }

  private checkUser(owner: TokenOwner, user: string): void {
    if (owner.user !== user || owner.kind !== 'server') throw new HubHttpError(403, `this token may not act for ${user}`);
  }

  private entryFor(owner: TokenOwner, user: string, server: string): Entry {
    this.checkUser(owner, user);
    const entry = this.entries.get(server);
    if (!entry || owner.server !== server) throw new HubHttpError(403, `this token may not act for ${user}/${server}`);
    return entry;
  }

  /** The browser pages answer to loopback names only, so that a web page using DNS rebinding cannot reach them. */
  private checkBrowserHost(req: IncomingMessage): void {
    const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
    if (host !== '127.0.0.1' && host !== 'localhost') throw new HubHttpError(403, `forbidden Host header "${req.headers.host ?? ''}"`);
  }
}

/** JupyterHub's model of the token's owner, with the token's scopes (which jupyterhub-singleuser checks). */
function userModel(owner: TokenOwner): Record<string, unknown> {
  return { kind: 'user', name: owner.user, admin: false, groups: [], scopes: owner.scopes, session_id: null };
}
