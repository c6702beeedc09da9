// The local API's error reply: the envelope of shared/http.ts, with the HTTP status of its code.
import type { ServerResponse } from 'node:http';
import type { ErrorReply } from '../../../shared/http.js';
import type { HttpError } from '../boundary/http-error.js';
import { sendJson } from '../net/json-reply.js';

export function sendError(res: ServerResponse, error: HttpError): void {
  const reply: ErrorReply = { error: { code: error.code, message: error.message } };
  sendJson(res, error.status, reply, error.headers);
}
