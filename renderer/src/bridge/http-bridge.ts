// The bridge in a plain browser: the local API that served this page. Calls are POSTs with the token as a Bearer
// header; events come over one WebSocket (the token in its query, since browsers cannot set headers on one), which
// is reopened with a capped backoff when it drops, e.g. while `hubtray serve` restarts. The token can be replaced
// while the page runs (reauthenticate): calls use the new one at once, and the event stream reopens with it.
import { parseEvent, parseResult, type HubEvent, type LogChunk } from '../../../shared/api.js';
import { apiPaths, errorCodeOfClose } from '../../../shared/http.js';
import type { Bridge, ConnectionStatus } from './bridge.js';
import { errorMessage, toHubError } from './errors.js';

const maxBackoffMs = 10_000;

export interface HttpBridge extends Bridge {
  /**
   * Uses `token` from now on, and reopens every event stream with it at once, even one that gave up (unauthorized);
   * a stream that is up is left alone when the token is the one it already has.
   */
  reauthenticate(token: string): void;
}

export function httpBridge(origin: string, initialToken: string): HttpBridge {
  let token = initialToken;
  const streams = new Set<{ reopen(force: boolean): void }>();
  const bridge: HttpBridge = {
    reauthenticate(next) {
      const changed = next !== token;
      token = next;
      for (const stream of streams) stream.reopen(changed);
    },

    async call(method, args) {
      let response: Response;
      try {
        response = await fetch(`${origin}${apiPaths.call(method)}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(args ?? {}),
          cache: 'no-store',
          credentials: 'omit',
        });
      } catch (error) {
        throw toHubError({ code: 'unavailable', message: `hubtray does not answer: ${errorMessage(error)}` }, 'hubtray does not answer');
      }
      const body: unknown = await response.json().catch(() => null);
      if (!response.ok) throw toHubError((body as { error?: unknown } | null)?.error, `hubtray answered HTTP ${response.status}`);
      return parseResult(method, body);
    },

    subscribe(listener, status) {
      const url = () => `${origin.replace(/^http/, 'ws')}${apiPaths.events}?token=${encodeURIComponent(token)}`;
      // A refused upgrade shows the page no status, so a plain call tells whether the token is still good: it is not
      // once hubtray was started with --new-token.
      const tokenRefused = () =>
        bridge.call('pendingPrompts', {}).then(
          () => false,
          (error: unknown) => (error as { code?: string }).code === 'unauthorized',
        );
      const stream = reconnectingSocket(url, listener, status, tokenRefused);
      streams.add(stream);
      return () => {
        streams.delete(stream);
        stream.stop();
      };
    },

    followLog(name, listener, failed) {
      const url = () => `${origin.replace(/^http/, 'ws')}${apiPaths.followLog(name)}&token=${encodeURIComponent(token)}`;
      return followingSocket(url, listener, failed);
    },

    openServer(name) {
      // Opened now, while the click still counts as a user's gesture; pointed at the server once its URL is known.
      const tab = window.open('', '_blank');
      // The server's page is another origin: it gets no handle on this one.
      if (tab) tab.opener = null;
      return bridge.call('open', { name }).then(
        ({ url, note }) => {
          if (tab) tab.location.href = url;
          else window.open(url, '_blank', 'noopener,noreferrer');
          return note === undefined ? {} : { note };
        },
        (error: unknown) => {
          tab?.close();
          throw error;
        },
      );
    },
  };
  return bridge;
}

function reconnectingSocket(
  url: () => string,
  listener: (event: HubEvent) => void,
  status: (status: ConnectionStatus) => void,
  tokenRefused: () => Promise<boolean>,
): { reopen(force: boolean): void; stop(): void } {
  let socket: WebSocket | null = null;
  let retry: number | undefined;
  let failures = 0;
  let stopped = false;
  // Each socket has its generation: what an older one reports once it has been replaced is ignored.
  let generation = 0;

  const open = () => {
    const mine = ++generation;
    const current = () => !stopped && mine === generation;
    status('connecting');
    const ws = new WebSocket(url());
    socket = ws;
    ws.onopen = () => {
      if (!current()) return;
      failures = 0;
      status('connected');
    };
    ws.onmessage = (message) => {
      if (!current()) return;
      try {
        listener(parseEvent(JSON.parse(String(message.data))));
      } catch (error) {
        // A newer hub may send events this page does not know yet; they are skipped, not fatal.
        console.warn(`hubtray: ignored an event: ${errorMessage(error)}`);
      }
    };
    ws.onclose = () => {
      if (!current()) return;
      failures++;
      void tokenRefused().then((refused) => {
        if (!current()) return;
        if (refused) return status('unauthorized');
        status('disconnected');
        const delay = Math.min(maxBackoffMs, 500 * 2 ** Math.min(failures, 5)) * (0.75 + Math.random() / 2);
        retry = window.setTimeout(open, delay);
      });
    };
  };
  open();
  return {
    reopen(force) {
      if (stopped || (!force && socket?.readyState === WebSocket.OPEN)) return;
      window.clearTimeout(retry);
      failures = 0;
      const old = socket;
      open();
      old?.close();
    },
    stop() {
      stopped = true;
      window.clearTimeout(retry);
      socket?.close();
    },
  };
}

/**
 * One server's log over its own WebSocket. A socket the hub refused (a server it does not know) is told through
 * `failed`; one that dropped (the hub restarting) is opened again, and starts again with the log's newest part.
 */
function followingSocket(url: () => string, listener: (chunk: LogChunk) => void, failed: (message: string) => void): () => void {
  let socket: WebSocket | null = null;
  let retry: number | undefined;
  let stopped = false;
  const open = () => {
    const ws = new WebSocket(url());
    socket = ws;
    ws.onmessage = (message) => {
      if (stopped) return;
      try {
        const event = parseEvent(JSON.parse(String(message.data)));
        if (event.event === 'log') listener(event.data);
      } catch (error) {
        console.warn(`hubtray: ignored a piece of a log: ${errorMessage(error)}`);
      }
    };
    ws.onclose = (event) => {
      if (stopped) return;
      if (errorCodeOfClose(event.code)) return failed(event.reason || 'hubtray refused to follow this log');
      retry = window.setTimeout(open, 2000);
    };
  };
  open();
  return () => {
    stopped = true;
    window.clearTimeout(retry);
    socket?.close();
  };
}
