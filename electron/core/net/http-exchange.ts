// One HTTP/1.1 exchange with node:http (node:https for an https: URL), its answer bounded in size and time. For the
// hub's local API (the CLI's client) and a Jupyter server's own API through its tunnel, rather than undici: loading
// undici costs a CLI command ~130 ms and a resident hub ~20 MiB, and these exchanges need nothing it adds. The
// kinds that talk to remote hubs (jupyterhub, outpost) keep undici for its dispatchers, loaded with those kinds.
import { Agent, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readResponseBody } from './http-body.js';

export interface Reply {
  statusCode: number;
  text: string;
}

export interface Exchange {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** How long the exchange may go without a byte either way. */
  idleMs: number;
  /** Ends the whole exchange, e.g. AbortSignal.timeout(): a peer trickling a byte at a time must not hold it. */
  signal?: AbortSignal;
  /** Past this the answer is dropped and the exchange fails: no peer makes hubtray buffer without limit. */
  maxBytes: number;
  /** The error for an answer over maxBytes, in the caller's words. */
  tooLarge?: () => Error;
  /** A keep-alive pool (http: only); `false` for a connection of its own. */
  agent: Agent | false;
}

export function exchange(url: URL, options: Exchange): Promise<Reply> {
  const body = options.body ?? '';
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Reply>((resolve, reject) => {
    const headers = { ...options.headers, 'content-length': String(Buffer.byteLength(body)) };
    const agent = url.protocol === 'https:' ? undefined : options.agent;
    const req = request(url, { method: options.method, headers, agent, timeout: options.idleMs, signal: options.signal }, (response) => {
      const tooLarge = options.tooLarge ?? (() => new Error(`the answer is larger than ${options.maxBytes} bytes`));
      readResponseBody(response, options.maxBytes, tooLarge).then((text) => resolve({ statusCode: response.statusCode ?? 0, text }), reject);
    });
    req.on('timeout', () => req.destroy(new Error(`nothing came for ${options.idleMs / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A keep-alive pool whose idle connections are closed after `idleMs`: shorter than the peer's own keep-alive, so
 * that the peer rarely closes a connection just as this side reuses it.
 */
export function keepAlivePool(idleMs: number): Agent {
  return new Agent({ keepAlive: true, timeout: idleMs });
}
