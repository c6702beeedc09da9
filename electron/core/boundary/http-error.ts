// Errors on their way out to a face (the local API, Electron's IPC, the UI protocol): a HubError keeps its code and
// message, as does a domain error (CodedError: SSH, keychain, config …) with its own code; anything else is hidden behind a generic message, since it is a bug and may carry internals.
import { CodedError, HubError, type ErrorCode } from '../../../shared/api.js';
import { httpStatusByCode } from '../../../shared/http.js';

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

/**
 * Anything that is neither an HttpError nor a HubError is a bug inside hubtray. The caller gets a generic message,
 * because an arbitrary exception may carry paths or internals; the hub's own output gets the detail (the stack only
 * with HUBTRAY_DEBUG=1).
 */
export function toHttpError(error: unknown, context: string): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof HubError) return new HttpError(httpStatusByCode[error.code], error.code, error.message);
  if (error instanceof CodedError) return new HttpError(httpStatusByCode[error.errorCode], error.errorCode, error.message);
  const detail = error instanceof Error ? (process.env.HUBTRAY_DEBUG === '1' ? error.stack : error.message) : String(error);
  process.stderr.write(`hubtray: internal error in ${context}: ${detail}\n`);
  return new HttpError(500, 'failed', `internal error in hubtray while handling ${context}; see the hub's output`);
}
