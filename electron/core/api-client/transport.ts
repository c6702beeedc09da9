// The HTTP half of the client: one POST per call, and the error envelope turned back into a HubError.
import { Client, Pool, type Dispatcher } from 'undici';
import { HubError, errorMessage, toErrorCode, type MethodName } from '../../../shared/api.js';
import { ErrorReply, apiPaths, keepAliveMs, mayRepeat } from '../../../shared/http.js';

export interface Transport {
  call(method: MethodName, args: unknown): Promise<unknown>;
  /** A POST to any authenticated path of the local API, e.g. a launch link. */
  post(path: string, body: unknown): Promise<unknown>;
  close(): Promise<void>;
}

interface Exchange {
  statusCode: number;
  text: string;
}

export function httpTransport(url: string, token: string): Transport {
  // Shorter than the hub's own keep-alive (see keepAliveMs), so that the hub rarely closes a connection just as this
  // side reuses it; the cap overrides what the hub's Keep-Alive header offers.
  const pool = new Pool(url, { keepAliveTimeout: keepAliveMs.client, keepAliveMaxTimeout: keepAliveMs.client });
  const exchange = async (dispatcher: Dispatcher, path: string, args: unknown): Promise<Exchange> => {
    const response = await dispatcher.request({
      path,
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
    return { statusCode: response.statusCode, text: await response.body.text() };
  };
  const post = async (path: string, args: unknown, repeatable = false): Promise<unknown> => {
    let reply: Exchange;
    try {
      reply = await exchange(pool, path, args).catch((error: unknown) => {
        if (!repeatable || !closedByPeer(error)) throw error;
        // The pool may hold other idle connections that the hub is closing too.
        return onFreshConnection(url, (client) => exchange(client, path, args));
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
    close: () => pool.close(),
  };
}

/** The hub closed or reset the connection: it may or may not have seen the call, but it is there. */
function closedByPeer(error: unknown): boolean {
  if (!(error instanceof Error) || !('code' in error)) return false;
  return error.code === 'ECONNRESET' || error.code === 'EPIPE' || (error.code === 'UND_ERR_SOCKET' && error.message === 'other side closed');
}

async function onFreshConnection<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client(url);
  try {
    return await use(client);
  } finally {
    await client.destroy();
  }
}
