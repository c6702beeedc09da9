// JupyterHub's REST API (/hub/api) with the Launcher's retries: connection errors (but an untrusted certificate), 5xx
// and 429 are retried, anything else is the hub's answer and goes straight to the caller. Every error names what was
// being done and quotes the hub's own message; the token never appears in one.
import { request, type Dispatcher } from 'undici';
import { describeConnectionError, describeRefusal, HubApiError, isCertificateError } from './errors.js';
import { parseRetryAfter, Transient, withRetries, type RetryPolicy } from './retry.js';
import { readResponseBody } from '../net/http-body.js';

export interface HubRestOptions extends RetryPolicy {
  /** The API root, ending in /hub/api/ (through a tunnel when the hub is only reachable over SSH). */
  apiBase: () => Promise<string>;
  /** Absent only for the password login that creates a token. */
  token?: string;
}

export interface HubCall {
  method?: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
  /** Statuses that are an answer rather than an error (e.g. 409 "already exists"). */
  accept?: number[];
  /** For messages: "start alice's server", "create a token". */
  what: string;
}

export interface HubReply {
  status: number;
  json: unknown;
}

const REQUEST_TIMEOUT_MS = 30_000;
// A hub's answers are small; a larger one is a misbehaving or hostile peer.
const MAX_BODY_BYTES = 1024 * 1024;
const readCapped = (body: AsyncIterable<Buffer> & { destroy(): unknown }) =>
  readResponseBody(body, MAX_BODY_BYTES, () => new Error(`the hub sent more than ${MAX_BODY_BYTES} bytes; refusing to read on`));

export class HubRest {
  constructor(private readonly options: HubRestOptions) {}

  async call(path: string, call: HubCall): Promise<HubReply> {
    return this.retrying(() => this.once(path, call));
  }

  /**
   * Opens a long-lived response (an event stream) with the same retries; resolves with its body once the hub has
   * answered 200. The body has no idle timeout: the caller's signal, or the hub closing it, ends it.
   */
  async stream(path: string, what: string): Promise<AsyncIterable<Buffer>> {
    return this.retrying(async () => {
      const res = await this.send(path, { what }, 'text/event-stream', 0);
      if (res.statusCode === 200) return res.body;
      throw this.failure(res.statusCode, await readCapped(res.body), res.headers['retry-after'], what);
    });
  }

  private async retrying<T>(attempt: () => Promise<T>): Promise<T> {
    try {
      return await withRetries(this.options, attempt);
    } catch (error) {
      if (!(error instanceof Transient)) throw error;
      const last = error.reason as HubApiError;
      const tries = this.options.retries;
      throw tries > 1 ? new HubApiError(`${last.message} (gave up after ${tries} attempts)`, last.status) : last;
    }
  }

  private async once(path: string, call: HubCall): Promise<HubReply> {
    const res = await this.send(path, call, 'application/json', REQUEST_TIMEOUT_MS);
    const text = await readCapped(res.body);
    if ((res.statusCode >= 200 && res.statusCode < 300) || call.accept?.includes(res.statusCode)) return { status: res.statusCode, json: parseJson(text) };
    throw this.failure(res.statusCode, text, res.headers['retry-after'], call.what);
  }

  private async send(path: string, call: HubCall, accept: string, bodyTimeout: number): Promise<Dispatcher.ResponseData> {
    const base = await this.options.apiBase();
    try {
      return await request(new URL(path, base), {
        method: call.method ?? 'GET',
        headers: {
          accept,
          ...(this.options.token ? { authorization: `token ${this.options.token}` } : {}),
          ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: call.body !== undefined ? JSON.stringify(call.body) : undefined,
        headersTimeout: REQUEST_TIMEOUT_MS,
        bodyTimeout,
        signal: this.options.signal,
      });
    } catch (error) {
      this.options.signal?.throwIfAborted();
      const failure = new HubApiError(`could not reach the hub at ${base} to ${call.what}: ${describeConnectionError(error as Error)}`, null);
      throw isCertificateError(error) ? failure : new Transient(failure);
    }
  }

  /** The hub's refusal; 5xx and 429 are worth another try. */
  private failure(status: number, text: string, retryAfter: string | string[] | undefined, what: string): Error {
    const failure = new HubApiError(describeRefusal(status, hubMessage(parseJson(text), text), what), status);
    return status >= 500 || status === 429 ? new Transient(failure, parseRetryAfter(retryAfter)) : failure;
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** JupyterHub's errors are {"status", "message"}; a proxy's may be a page of HTML, of which one line is enough. */
function hubMessage(json: unknown, text: string): string {
  const message = (json as { message?: unknown } | null)?.message;
  const raw = typeof message === 'string' ? message : text.replace(/<[^>]*>/g, ' ');
  return raw.replace(/\s+/g, ' ').trim().slice(0, 300);
}
