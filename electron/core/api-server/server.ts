// The local API: the Hub's contract over HTTP (`POST /api/call/<method>`) and WebSocket (`/api/events`), on
// 127.0.0.1 only. The CLI uses it, and so does the renderer when it runs in a plain browser: every other path serves
// the built renderer itself.
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { isMethodName, type HubApi, type HubEventSource, type LogFollowing } from '../../../shared/api.js';
import { apiPaths, followParam, keepAliveMs } from '../../../shared/http.js';
import { readJsonBody } from './body.js';
import { streamEvents, streamLog } from './event-stream.js';
import { checkHostAndOrigin, checkToken } from './guard.js';
import { HttpError, toHttpError } from '../boundary/http-error.js';
import { sendJson } from '../net/json-reply.js';
import { sendError } from './reply.js';
import { invoke } from '../boundary/invoke.js';
import { LaunchLinks } from '../net/launch-links.js';
import { serveUi } from '../boundary/static-ui.js';

export interface ApiServerOptions {
  token: string;
  /** 0 or absent: a random free port. */
  port?: number;
}

export interface ApiServer {
  /** `http://127.0.0.1:<port>`, without the token. */
  url: string;
  port: number;
  /** A single-use link that opens server NAME in a browser without the token ever appearing in argv. */
  launchLink(name: string): Promise<string>;
  /** The UI's address with the API token in its fragment (which browsers never send to a server): for a person. */
  uiUrl: string;
  /** A single-use link to uiUrl, for an opener's argv. */
  uiLink(): string;
  close(): Promise<void>;
}


export async function startApiServer(hub: HubApi & HubEventSource & LogFollowing, options: ApiServerOptions): Promise<ApiServer> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const follow = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get(followParam);
    if (follow === null) streamEvents(ws, hub);
    else streamLog(ws, hub, follow);
  });
  let port = 0;
  const links = new LaunchLinks();
  const launchLink = async (name: string) => {
    const { url } = await invoke(hub, 'open', { name });
    return `http://127.0.0.1:${port}${apiPaths.redeem(links.create(url))}`;
  };

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => sendError(res, toHttpError(error, describe(req))));
  });
  // An idle connection closes after this, and only this: headersTimeout and requestTimeout (Node's defaults) bound a
  // request being received. Longer than the client keeps one idle, so that it rarely sends on a closing one.
  server.keepAliveTimeout = keepAliveMs.server;

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    checkHostAndOrigin(req, port);
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    // Unauthenticated on purpose: a CLI that finds hub.json checks with it that a hub really answers there.
    if (path === apiPaths.ping) return sendJson(res, 200, { hubtray: true });
    // The nonce is the credential here: the browser that follows a launch link has no API token.
    if (path.startsWith(apiPaths.redeemPrefix)) return redeem(res, links.take(path.slice(apiPaths.redeemPrefix.length)));
    // The UI's files hold no secret; the page gets its token from its URL's fragment.
    if (!path.startsWith(apiPaths.apiPrefix)) return serveUi(req, res, path);
    checkToken(req, options.token, false);
    if (path.startsWith(apiPaths.launchPrefix)) {
      if (req.method !== 'POST') throw new HttpError(405, 'bad-request', 'ask for a launch link with POST', { Allow: 'POST' });
      return sendJson(res, 200, { url: await launchLink(decodeURIComponent(path.slice(apiPaths.launchPrefix.length))) });
    }
    if (path === apiPaths.events) throw new HttpError(426, 'bad-request', 'events are a WebSocket: send an Upgrade request', { Upgrade: 'websocket' });
    if (!path.startsWith(apiPaths.callPrefix)) throw new HttpError(404, 'not-found', `no such endpoint ${path}`);
    const method = decodeURIComponent(path.slice(apiPaths.callPrefix.length));
    if (!isMethodName(method)) throw new HttpError(404, 'not-found', `no such method "${method}"`);
    if (req.method !== 'POST') throw new HttpError(405, 'bad-request', `call ${method} with POST`, { Allow: 'POST' });
    sendJson(res, 200, await invoke(hub, method, await readJsonBody(req)));
  }

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      checkHostAndOrigin(req, port);
      checkToken(req, options.token, true);
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (path !== apiPaths.events) throw new HttpError(404, 'not-found', `no WebSocket at ${path}`);
    } catch (error) {
      refuseUpgrade(socket, toHttpError(error, 'a WebSocket upgrade'));
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const uiUrl = `${url}/#token=${encodeURIComponent(options.token)}`;

  return {
    url,
    port,
    launchLink,
    uiUrl,
    uiLink: () => `${url}${apiPaths.redeem(links.create(uiUrl))}`,
    close: async () => {
      await closeSubscribers(wss);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function redeem(res: ServerResponse, url: string | null): void {
  if (!url) throw new HttpError(404, 'not-found', 'this launch link was already used or has expired; open the server from hubtray again');
  res.writeHead(302, { Location: url, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
  res.end();
}

/** Names a request for the hub's own log: the method and path only, never the body or the query (it may hold the token). */
function describe(req: IncomingMessage): string {
  return `${req.method ?? '?'} ${new URL(req.url ?? '/', 'http://127.0.0.1').pathname}`;
}

function refuseUpgrade(socket: Socket, error: HttpError): void {
  const body = JSON.stringify({ error: { code: error.code, message: error.message } });
  const headers = [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}`,
    'Connection: close',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(error.headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
}

/** Tells subscribers the hub is going away (1001), and cuts off those that do not finish the close handshake in time. */
async function closeSubscribers(wss: WebSocketServer): Promise<void> {
  const closing = [...wss.clients].map(
    (ws) =>
      new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close(1001, 'hubtray is shutting down');
        setTimeout(() => ws.terminate(), 1000).unref();
      }),
  );
  await Promise.all(closing);
  await new Promise<void>((resolve) => wss.close(() => resolve()));
}
