// One HTTP request to an Outpost, with tornado's request_kwargs (timeouts, CA file, certificate checking, client
// certificate) and OutpostSpawner's shared-client limit of 10 requests at once. Always JSON in and out: a response
// that is not JSON, or too large, is an error here rather than a surprise later.
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'undici';
import type { RequestKwargs } from '../../../../shared/kinds/outpost.js';
import { describeStatus, OutpostError, type OutpostAction } from './outpost-error.js';
import { readResponseBody } from '../../net/http-body.js';
import { errorMessage } from '../../../../shared/error-message.js';
import { boundedText } from '../../../../shared/text.js';

export interface OutpostRequest {
  action: OutpostAction;
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  kwargs: RequestKwargs;
  signal?: AbortSignal;
}

export interface OutpostReply {
  status: number;
  json: unknown;
}

// tornado's HTTPRequest defaults.
const DEFAULT_CONNECT_TIMEOUT_S = 20;
const DEFAULT_REQUEST_TIMEOUT_S = 20;
// OUTPOSTSPAWNER_HTTP_CLIENT_CONCURRENT_LIMIT's default.
const CONCURRENT_LIMIT = 10;
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** How much of an answer that is not JSON its error quotes: enough to recognise a proxy's page or a cut. */
const QUOTED_CHARS = 100;
const readCapped = (body: AsyncIterable<Buffer> & { destroy(): unknown }) =>
  readResponseBody(body, MAX_BODY_BYTES, () => new OutpostError(`the Outpost sent more than ${MAX_BODY_BYTES} bytes; refusing to read on`, null));

let running = 0;
const queue: Array<() => void> = [];

/** Sends the request; a 2xx answer resolves, anything else throws an OutpostError in OutpostSpawner's words. */
export async function outpostRequest(req: OutpostRequest): Promise<OutpostReply> {
  await slot();
  try {
    return await send(req);
  } finally {
    running--;
    queue.shift()?.();
  }
}

async function send(req: OutpostRequest): Promise<OutpostReply> {
  const shown = withoutQuery(req.url);
  const requestTimeout = req.kwargs.request_timeout ?? DEFAULT_REQUEST_TIMEOUT_S;
  const connectTimeout = req.kwargs.connect_timeout ?? DEFAULT_CONNECT_TIMEOUT_S;
  const timeout = AbortSignal.timeout(requestTimeout * 1000);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  // Which of request_kwargs a timeout message names: the start's own, when it has them.
  const kwargsName = req.action === 'start' ? ' of request_kwargs_start' : '';
  const dispatcher = new Agent({ connect: { timeout: connectTimeout * 1000, ...(await tls(req.kwargs)) } });
  try {
    const res = await request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal,
      dispatcher,
    });
    const text = await readCapped(res.body);
    const parsed = parseJson(text);
    if (res.statusCode < 200 || res.statusCode >= 300) {
      throw new OutpostError(describeStatus(req.action, shown, res.statusCode, 'json' in parsed ? parsed.json : undefined, text), res.statusCode);
    }
    if (!('json' in parsed)) {
      throw new OutpostError(`the Outpost answered the ${req.action} request to ${shown} with something that is not JSON (${parsed.error}): ${JSON.stringify(boundedText(text, QUOTED_CHARS))}`, res.statusCode);
    }
    return { status: res.statusCode, json: parsed.json };
  } catch (error) {
    if (error instanceof OutpostError) throw error;
    if (req.signal?.aborted) throw req.signal.reason;
    if (timeout.aborted) throw new OutpostError(`${req.action} request to ${shown} timed out after ${requestTimeout} s (request_timeout${kwargsName})`, null);
    // Connecting includes the TLS handshake: a server that accepts but never answers it ends here too.
    if (codeOf(error) === 'UND_ERR_CONNECT_TIMEOUT') {
      throw new OutpostError(`${req.action} request to ${shown} could not connect within ${connectTimeout} s (connect_timeout${kwargsName})`, null);
    }
    throw new OutpostError(`${req.action} request to ${shown} failed: ${reason(error)}`, null);
  } finally {
    void dispatcher.close();
  }
}

function slot(): Promise<void> {
  if (running < CONCURRENT_LIMIT) {
    running++;
    return Promise.resolve();
  }
  return new Promise((resolve) =>
    queue.push(() => {
      running++;
      resolve();
    }),
  );
}

async function tls(kwargs: RequestKwargs): Promise<Record<string, unknown>> {
  const read = async (file: string, what: string) => {
    try {
      return await readFile(file);
    } catch (error) {
      throw new OutpostError(`request_kwargs: cannot read the ${what} ${file}: ${errorMessage(error)}`, null);
    }
  };
  return {
    ...(kwargs.ca_certs ? { ca: await read(kwargs.ca_certs, 'CA file (ca_certs)') } : {}),
    ...(kwargs.client_cert ? { cert: await read(kwargs.client_cert, 'client certificate (client_cert)') } : {}),
    ...(kwargs.client_key ? { key: await read(kwargs.client_key, 'client key (client_key)') } : {}),
    ...(kwargs.validate_cert === false ? { rejectUnauthorized: false } : {}),
  };
}

/** The JSON, or what is wrong with it; an empty body counts as {} (a 202 or 204 may have none). */
function parseJson(text: string): { json: unknown } | { error: string } {
  if (text.trim() === '') return { json: {} };
  try {
    return { json: JSON.parse(text) as unknown };
  } catch (error) {
    return { error: errorMessage(error) };
  }
}

// Node's codes for a certificate chain that does not lead to a trusted CA.
const UNTRUSTED = /^(UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_UNTRUSTED)$/;

/** undici reports some failures (TLS, timeouts) as the error itself, others as its cause. */
function failureOf(error: unknown): { code?: string; message?: string } {
  return (error as { cause?: { code?: string; message?: string } }).cause ?? (error as { code?: string; message?: string });
}

function codeOf(error: unknown): string | undefined {
  return failureOf(error).code;
}

function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const tls = failureOf(error);
  const code = tls.code;
  if (code && UNTRUSTED.test(code)) {
    return `${code}: the Outpost's certificate is not signed by a certificate authority hubtray trusts; set ca_certs in request_kwargs to the PEM file of the CA that signed it (validate_cert: false skips the check, and with it the protection TLS gives)`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `${code}: ${tls.message ?? ''}; use a host name the Outpost's certificate is for in request_url`;
  if (code === 'CERT_HAS_EXPIRED') return `${code}: the Outpost's certificate has expired; its administrator must renew it`;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

function withoutQuery(url: string): string {
  const parsed = new URL(url);
  parsed.search = '';
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}
