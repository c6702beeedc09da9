// The personal hub speaks JupyterHub's HTTP dialect: errors are {"status", "message"} as JupyterHub sends them, so
// jupyterhub-singleuser and the Outpost read them as they would a real hub's. Bodies are bounded, since the API is
// reachable from the remote side (through the remote forward or public_api_url).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readRequestBody } from '../net/http-body.js';
import { sendJson } from '../net/json-reply.js';

const MAX_BODY_BYTES = 256 * 1024;

/** A refusal with JupyterHub's status and message. */
export class HubHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HubHttpError';
  }
}

export function sendEmpty(res: ServerResponse, status = 204): void {
  res.writeHead(status, { 'Cache-Control': 'no-store' });
  res.end();
}

export function redirect(res: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store', ...headers });
  res.end();
}

/** A short page for a person who lands on the personal hub in a browser; `text` is plain text, escaped here. */
export function sendPage(res: ServerResponse, status: number, title: string, text: string): void {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const body = `<!doctype html><meta charset="utf-8"><title>${escape(title)}</title><h1>${escape(title)}</h1><p>${escape(text)}</p>\n`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'",
  });
  res.end(body);
}

const LOGO =
  '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="28" viewBox="0 0 120 28"><rect width="28" height="28" rx="6" fill="#f37726"/>' +
  '<text x="36" y="20" font-family="sans-serif" font-size="17" fill="#333">hubtray</text></svg>';

export function sendLogo(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'image/svg+xml', 'Content-Length': Buffer.byteLength(LOGO), 'Cache-Control': 'max-age=86400' });
  res.end(LOGO);
}

export function sendError(res: ServerResponse, error: HubHttpError): void {
  sendJson(res, error.status, { status: error.status, message: error.message });
}

export function readBody(req: IncomingMessage): Promise<string> {
  return readRequestBody(req, MAX_BODY_BYTES, tooLarge);
}

/** A JSON object body; an empty body is null (the callbacks answer 400 to it, as JupyterHub's do). */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const text = (await readBody(req)).trim();
  if (text === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HubHttpError(400, 'the request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HubHttpError(400, 'the request body must be a JSON object');
  return value as Record<string, unknown>;
}

/** The token of `Authorization: token X` or `Bearer X`, as JupyterHub accepts it. */
export function bearerToken(req: IncomingMessage): string | null {
  return /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;
}

function tooLarge(): HubHttpError {
  return new HubHttpError(413, `the request body is larger than ${MAX_BODY_BYTES} bytes`);
}
