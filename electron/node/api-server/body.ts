// Reading a call's JSON body, bounded: the API is local, but a runaway or hostile client must not be able to make
// the hub buffer without limit.
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

export const maxBodyBytes = 1024 * 1024;

export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, 'bad-request', 'the request body must be JSON (Content-Type: application/json)');
  }
  if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) throw tooLarge();
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // An oversized body is read to its end but not kept: cutting the connection instead would reset it before the
    // client has read the 413.
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on('end', () => (size > maxBodyBytes ? reject(tooLarge()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
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
