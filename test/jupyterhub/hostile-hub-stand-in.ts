// A hostile stand-in for a JupyterHub, for what a real one will not do on demand: name a server URL on another origin,
// stream megabytes of progress or a line that never ends, answer malformed JSON, or trickle an answer. A plain HTTP
// server on 127.0.0.1 speaking enough of JupyterHub 3's REST API for a launch, a poll, a stop and discovery (the
// token's owner, the user model, POST/DELETE of a server, its progress stream, tokens), and a server's /api/status.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Keychain } from '../../electron/core/secrets/keychain.js';
import { makeHome, openHub, type HubHarness } from '../fixtures/hub-harness.js';

export const USER = 'alice';

export interface HostileBehaviour {
  /** The url the server model names once the server runs; default: its path on this hub. */
  serverUrl?: (server: string) => string;
  /** Writes a launch's progress stream; default: "Server requested", then ready with the server's url. */
  progress?: (stream: ProgressStream, serverUrl: string) => void;
  /** Answers GET /hub/api/user, a launch's first call; default: the token's owner is alice. */
  whoAmI?: (res: http.ServerResponse) => void;
  /** Named servers already running, as if started on the hub's own page. */
  running?: string[];
}

export interface ProgressStream {
  /** Resolves once the bytes are on their way (or the reader has gone), so that an endless writer keeps pace. */
  write(text: string): Promise<void>;
  end(text?: string): void;
  /** False once the reader has let the stream go. */
  readonly open: boolean;
}

export interface HostileHub {
  /** http://127.0.0.1:PORT/ */
  url: string;
  port: number;
  /** "METHOD /path" of every request, in order. */
  requests: string[];
  /** The bytes each progress stream had been sent when its reader let it go. */
  droppedStreams: number[];
  close(): Promise<void>;
}

export async function startHostileHub(behaviour: HostileBehaviour = {}): Promise<HostileHub> {
  const pathOf = (server: string) => `/user/${USER}/${server ? `${server}/` : ''}`;
  const urlOf = behaviour.serverUrl ?? pathOf;
  const servers = new Map<string, boolean>((behaviour.running ?? []).map((name) => [name, true]));
  const requests: string[] = [];
  const droppedStreams: number[] = [];
  const model = (name: string, ready: boolean) => ({ name, ready, pending: null, url: urlOf(name), started: null, user_options: {} });
  const json = (res: http.ServerResponse, status: number, value?: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(value === undefined ? '' : JSON.stringify(value));

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] as string;
    requests.push(`${req.method} ${path}`);
    const api = /^\/hub\/api\/users\/([^/]+)(?:\/(server|servers\/([^/]+)|tokens(?:\/[^/]+)?))?(\/progress)?$/.exec(path);
    if (path === '/hub/api/user') return behaviour.whoAmI ? behaviour.whoAmI(res) : json(res, 200, { name: USER, kind: 'user' });
    if (path.startsWith(pathOf('')) && path.endsWith('/api/status')) {
      return res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'jupyterhub-user-alice=stand-in; Path=/' }).end('{}');
    }
    if (!api) return json(res, 404, { status: 404, message: 'Not Found' });
    const [, , part, named = '', progress] = api;
    const name = decodeURIComponent(named);
    if (!part) return json(res, 200, { name: USER, kind: 'user', servers: Object.fromEntries([...servers].map(([n, ready]) => [n, model(n, ready)])) });
    if (part.startsWith('tokens')) return req.method === 'POST' ? json(res, 201, { id: `a${requests.length}`, token: `stand-in-token-${requests.length}-0123456789` }) : json(res, 204);
    if (progress) {
      const stream = progressStream(res, droppedStreams);
      if (behaviour.progress) return behaviour.progress(stream, urlOf(name));
      return stream.end(`data: {"progress": 0, "message": "Server requested"}\n\ndata: ${JSON.stringify({ progress: 100, ready: true, message: 'Server ready', url: urlOf(name) })}\n\n`);
    }
    if (req.method === 'POST') servers.set(name, true);
    if (req.method === 'DELETE') servers.set(name, false);
    return json(res, req.method === 'POST' ? 202 : 204);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    requests,
    droppedStreams,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A Hub with the system `evil` on the stand-in, its token in the keychain before it opens (and discovers). */
export async function hubtrayOn(hub: HostileHub, settings: Record<string, unknown> = {}): Promise<HubHarness> {
  await new Keychain().set(`jupyterhub-token/${hub.url}`, 'the-users-own-api-token');
  return openHub(makeHome({ systems: { evil: { kind: 'jupyterhub', hub_url: hub.url, retries: 1, retry_delay: 0.1, ...settings } } }));
}

function progressStream(res: http.ServerResponse, droppedStreams: number[]): ProgressStream {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  let sent = 0;
  let open = true;
  res.on('close', () => {
    open = false;
    if (!res.writableFinished) droppedStreams.push(sent);
  });
  return {
    get open() {
      return open;
    },
    write: (text) =>
      new Promise<void>((resolve) => {
        sent += Buffer.byteLength(text);
        if (res.write(text)) return resolve();
        const done = () => {
          res.off('drain', done).off('close', done);
          resolve();
        };
        res.on('drain', done).on('close', done);
      }),
    end: (text) => res.end(text),
  };
}
