// Errors on the way in and out of the local API. HubError codes map onto HTTP statuses so that plain HTTP
// clients (curl, the renderer's fetch) can act on the status alone, while typed clients read the code.
import type { ServerResponse } from 'node:http';
import { HubError } from '../../../shared/api.js';

export type ErrorCode = HubError['code'];

/** A refusal at the HTTP layer, with a status that no HubError code expresses on its own (403, 405, 413...). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const statusByCode: Record<ErrorCode, number> = {
  'bad-request': 400,
  unauthorized: 401,
  'not-found': 404,
  conflict: 409,
  failed: 500,
  unavailable: 503,
};

export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(statusByCode, code);
}

/**
 * Anything that is neither an HttpError nor a HubError is a bug inside hubtray. The caller gets a generic message,
 * because an arbitrary exception may carry paths or internals; the hub's own output gets the detail (the stack only
 * with HUBTRAY_DEBUG=1).
 */
export function toHttpError(error: unknown, context: string): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof HubError) return new HttpError(statusByCode[error.code], error.code, error.message);
  const detail = error instanceof Error ? (process.env.HUBTRAY_DEBUG === '1' ? error.stack : error.message) : String(error);
  process.stderr.write(`hubtray: internal error in ${context}: ${detail}\n`);
  return new HttpError(500, 'failed', `internal error in hubtray while handling ${context}; see the hub's output`);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(body);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, { error: { code: error.code, message: error.message } }, error.headers);
}
