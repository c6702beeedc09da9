// The bridge in a plain browser: the local API that served this page. Calls are POSTs with the token as a Bearer
// header; events come over one WebSocket (the token in its query, since browsers cannot set headers on one), which
// is reopened with a capped backoff when it drops, e.g. while `hubtray serve` restarts.
import { parseEvent, parseResult, type HubEvent } from '../../../shared/api.js';
import type { Bridge, ConnectionStatus } from './bridge.js';
import { errorMessage, toHubError } from './errors.js';

const maxBackoffMs = 10_000;

export function httpBridge(origin: string, token: string): Bridge {
  const bridge: Bridge = {
    async call(method, args) {
      let response: Response;
      try {
        response = await fetch(`${origin}/api/call/${method}`, {
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
      const url = `${origin.replace(/^http/, 'ws')}/api/events?token=${encodeURIComponent(token)}`;
      // A refused upgrade shows the page no status, so a plain call tells whether the token is still good: it is not
      // once hubtray was restarted, since every run makes a new one.
      const tokenRefused = () =>
        bridge.call('pendingPrompts', {}).then(
          () => false,
          (error: unknown) => (error as { code?: string }).code === 'unauthorized',
        );
      return reconnectingSocket(url, listener, status, tokenRefused);
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
  url: string,
  listener: (event: HubEvent) => void,
  status: (status: ConnectionStatus) => void,
  tokenRefused: () => Promise<boolean>,
): () => void {
  let socket: WebSocket | null = null;
  let retry: number | undefined;
  let failures = 0;
  let stopped = false;

  const open = () => {
    status('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      failures = 0;
      status('connected');
    };
    ws.onmessage = (message) => {
      try {
        listener(parseEvent(JSON.parse(String(message.data))));
      } catch (error) {
        // A newer hub may send events this page does not know yet; they are skipped, not fatal.
        console.warn(`hubtray: ignored an event: ${errorMessage(error)}`);
      }
    };
    ws.onclose = () => {
      if (stopped) return;
      failures++;
      void tokenRefused().then((refused) => {
        if (stopped) return;
        if (refused) return status('unauthorized');
        status('disconnected');
        const delay = Math.min(maxBackoffMs, 500 * 2 ** Math.min(failures, 5)) * (0.75 + Math.random() / 2);
        retry = window.setTimeout(open, delay);
      });
    };
  };
  open();
  return () => {
    stopped = true;
    window.clearTimeout(retry);
    socket?.close();
  };
}
