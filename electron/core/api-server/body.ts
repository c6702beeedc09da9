// Reading a call's JSON body, bounded: the API is local, but a runaway or hostile client must not be able to make
// the hub buffer without limit.
import type { IncomingMessage } from 'node:http';
import { readRequestBody } from '../net/http-body.js';
import { HttpError } from '../boundary/http-error.js';

export const maxBodyBytes = 1024 * 1024;

export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, 'bad-request', 'the request body must be JSON (Content-Type: application/json)');
  }
  const text = await readRequestBody(req, maxBodyBytes, tooLarge);
  try {
    return JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the body, which may hold a secret (setSecret, answerPrompt).
    throw new HttpError(400, 'bad-request', 'the request body is not valid JSON');
  }
}

function tooLarge(): HttpError {
  return new HttpError(413, 'bad-request', `the request body is larger than ${maxBodyBytes} bytes`);
}
