// The HTTP half of the client: one POST per call, and the error envelope turned back into a HubError.
import type { Agent } from 'node:http';
import { HubError, toErrorCode, type MethodName } from '../../../shared/api.js';
import { errorMessage } from '../../../shared/error-message.js';
import { ErrorReply, apiPaths, keepAliveMs, mayRepeat } from '../../../shared/http.js';
import { exchange as httpExchange, keepAlivePool, type Reply } from '../net/http-exchange.js';

export interface Transport {
  call(method: MethodName, args: unknown): Promise<unknown>;
  /** A POST to any authenticated path of the local API, e.g. a launch link. */
  post(path: string, body: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/** undici's defaults, which this client had before: a call (a stop's escalation) may take minutes without a byte. */
const CALL_IDLE_MS = 300_000;
/** Far above any reply of the API (a log chunk is 64 KiB, a list of servers a few hundred KiB). */
const REPLY_MAX_BYTES = 32 * 1024 * 1024;

export function httpTransport(url: string, token: string): Transport {
  const pool = keepAlivePool(keepAliveMs.client);
  const exchange = (agent: Agent | false, path: string, args: unknown): Promise<Reply> =>
    httpExchange(new URL(path, url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(args),
      idleMs: CALL_IDLE_MS,
      maxBytes: REPLY_MAX_BYTES,
      agent,
    });
  const post = async (path: string, args: unknown, repeatable = false): Promise<unknown> => {
    let reply: Reply;
    try {
      reply = await exchange(pool, path, args).catch((error: unknown) => {
        if (!repeatable || !closedByPeer(error)) throw error;
        // The pool may hold other idle connections that the hub is closing too.
        return exchange(false, path, args);
      });
    } catch (error) {
      throw new HubError('unavailable', `hubtray at ${url} does not answer: ${errorMessage(error)}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(reply.text);
    } catch {
      throw new HubError('failed', `hubtray at ${url} sent a reply that is not JSON (HTTP ${reply.statusCode})`);
    }
    if (reply.statusCode === 200) return body;
    const error = ErrorReply.safeParse(body);
    if (!error.success) throw new HubError('failed', `hubtray at ${url} answered HTTP ${reply.statusCode}`);
    const { code, message } = error.data.error;
    throw new HubError(toErrorCode(code), message);
  };
  return {
    call: (method, args) => post(apiPaths.call(method), args, mayRepeat(method, args)),
    post,
    close: async () => {
      pool.destroy();
    },
  };
}

/** The hub closed or reset the connection: it may or may not have seen the call, but it is there. */
function closedByPeer(error: unknown): boolean {
  if (!(error instanceof Error) || !('code' in error)) return false;
  return error.code === 'ECONNRESET' || error.code === 'EPIPE';
}
