// JupyterHub's REST API (/hub/api) with the Launcher's retries: connection errors (but an untrusted certificate), 5xx
// and 429 are retried, anything else is the hub's answer and goes straight to the caller. Every answer is bounded in
// size and time, every request stays on the hub's origin, and every error names what was being done and quotes the
// hub's own message, short; the token never appears in one.
import { request, type Dispatcher } from 'undici';
import { errorMessage } from '../../../../shared/error-message.js';
import { boundedText } from '../../../../shared/text.js';
import { describeConnectionError, describeRefusal, HubAnswerError, HubApiError, isCertificateError } from './hub-api-error.js';
import { onHub } from './origin.js';
import type { HubToken } from './token.js';
import { parseRetryAfter, Transient, withRetries, type RetryPolicy } from '../../net/retry.js';
import { readResponseBody } from '../../net/http-body.js';

export interface HubRestOptions extends RetryPolicy {
  /** The API root, ending in /hub/api/ (through a tunnel when the hub is only reachable over SSH). */
  apiBase: () => Promise<string>;
  /** Absent only for the password login that creates a token. */
  token?: HubToken;
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

/** For a whole answer, headers and body: a hub that trickles its answer is cut off too. */
const REQUEST_TIMEOUT_MS = 30_000;
// A hub's answers are small; a larger one is a misbehaving or hostile peer.
const MAX_BODY_BYTES = 1024 * 1024;
const QUOTED_CHARS = 100;
const readCapped = (body: Dispatcher.ResponseData['body']) =>
  readResponseBody(body, MAX_BODY_BYTES, () => new HubAnswerError(`the hub sent more than ${MAX_BODY_BYTES} bytes; refusing to read on`));

export class HubRest {
  constructor(private readonly options: HubRestOptions) {}

  async call(path: string, call: HubCall): Promise<HubReply> {
    return this.retrying(() =>
      this.authorized((token) =>
        this.exchange(path, call, 'application/json', token, async (res) => {
          const text = await readCapped(res.body);
          const answered = (res.statusCode >= 200 && res.statusCode < 300) || call.accept?.includes(res.statusCode);
          if (!answered) throw this.failure(res, text, call.what);
          return { status: res.statusCode, json: this.parseAnswer(text, res.statusCode, call.what) };
        }),
      ),
    );
  }

  /**
   * Opens a long-lived response (an event stream) with the same retries; resolves with its body once the hub has
   * answered 200. The body has no time bound: the caller's signal, its own size bounds, or the hub closing it end it.
   */
  async stream(path: string, what: string): Promise<AsyncIterable<Buffer>> {
    return this.retrying(() =>
      this.authorized((token) =>
        this.exchange(path, { what }, 'text/event-stream', token, async (res) => {
          if (res.statusCode === 200) return res.body;
          throw this.failure(res, await readCapped(res.body), what);
        }),
      ),
    );
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

  /** A token the hub refuses is swapped, once, for the one the user has stored since (see HubToken). */
  private async authorized<T>(exchange: (token: string | null) => Promise<T>): Promise<T> {
    const source = this.options.token;
    if (!source) return exchange(null);
    const token = source.current;
    try {
      return await exchange(token);
    } catch (error) {
      const refused = error instanceof HubApiError && (error.status === 401 || error.status === 403);
      const replacement = refused ? await source.replaced(token) : null;
      if (replacement === null) throw error;
      return exchange(replacement);
    }
  }

  /** One request; `read` turns its answer into the result, all within REQUEST_TIMEOUT_MS of sending it. */
  private async exchange<T>(path: string, call: HubCall, accept: string, token: string | null, read: (res: Dispatcher.ResponseData) => Promise<T>): Promise<T> {
    const base = await this.options.apiBase();
    const url = onHub(path, base);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), REQUEST_TIMEOUT_MS);
    try {
      const res = await request(url, {
        method: call.method ?? 'GET',
        headers: {
          accept,
          ...(token ? { authorization: `token ${token}` } : {}),
          ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: call.body !== undefined ? JSON.stringify(call.body) : undefined,
        headersTimeout: REQUEST_TIMEOUT_MS,
        bodyTimeout: 0,
        signal: this.options.signal ? AbortSignal.any([this.options.signal, deadline.signal]) : deadline.signal,
      });
      return await read(res);
    } catch (error) {
      this.options.signal?.throwIfAborted();
      // The hub's own answers (a refusal, a malformed body) are not trouble reaching it.
      if (error instanceof HubApiError || error instanceof HubAnswerError || error instanceof Transient) throw error;
      const why = deadline.signal.aborted ? `it did not answer within ${REQUEST_TIMEOUT_MS / 1000} s` : describeConnectionError(error as Error);
      const failure = new HubApiError(`could not reach the hub at ${base} to ${call.what}: ${why}`, null);
      throw isCertificateError(error) ? failure : new Transient(failure);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The hub's refusal; 5xx and 429 are worth another try. A refused token comes with what to do about it. */
  private failure(res: Dispatcher.ResponseData, text: string, what: string): Error {
    const status = res.statusCode;
    const advice = (status === 401 || status === 403) && this.options.token ? `. ${this.options.token.advice}` : '';
    const failure = new HubApiError(`${describeRefusal(status, this.hubMessage(text), what)}${advice}`, status);
    return status >= 500 || status === 429 ? new Transient(failure, parseRetryAfter(res.headers['retry-after'])) : failure;
  }

  /** A 2xx answer's JSON; JupyterHub answers some (202, 204) with an empty body. */
  private parseAnswer(text: string, status: number, what: string): unknown {
    if (text.trim() === '') return null;
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new HubAnswerError(`the hub's answer to ${what} (${status}) is not JSON (${errorMessage(error)}); it begins ${JSON.stringify(this.quote(text.slice(0, QUOTED_CHARS)))}`);
    }
  }

  /** JupyterHub's errors are {"status", "message"}; a proxy's may be a page of HTML, of which one line is enough. */
  private hubMessage(text: string): string {
    let message: unknown;
    try {
      message = (JSON.parse(text) as { message?: unknown } | null)?.message;
    } catch {
      // Not JSON: the text itself, less its markup.
    }
    const raw = typeof message === 'string' ? message : text.replace(/<[^>]*>/g, ' ');
    return boundedText(this.quote(raw).replace(/\s+/g, ' ').trim(), 300);
  }

  /** The hub's text, less the token should the hub echo it back. */
  private quote(text: string): string {
    const token = this.options.token?.current;
    return token ? text.replaceAll(token, '…') : text;
  }
}
