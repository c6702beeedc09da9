// The renderer as files: Vite builds it into renderer/dist, the local API server hands it to browsers (`hubtray
// serve`), and the Electron shell to its window through its own protocol. Both use this module, so the path checks
// and the Content-Security-Policy are the same wherever the UI runs.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { HttpError } from './http-error.js';
import { packagePath } from './package-root.js';

/** renderer/dist, with the separator at its end that the path checks below rely on. */
export const uiRoot = packagePath('renderer', 'dist') + path.sep;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export interface UiFile {
  file: string;
  type: string;
}

/** The file a URL path names under `root`; "/" is index.html. Null for anything outside `root` or of an unknown type. */
export function resolveUiFile(root: string, urlPath: string): UiFile | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = decoded.replace(/^\/+/, '') || 'index.html';
  const base = path.resolve(root);
  const file = path.resolve(base, relative);
  if (!file.startsWith(base + path.sep)) return null;
  const type = contentTypes[path.extname(file).toLowerCase()];
  return type ? { file, type } : null;
}

/**
 * No inline script, no eval, nothing from elsewhere. Images only from the UI itself, so a sanitized html_message
 * from a remote system cannot load a tracking pixel either. In Electron the renderer talks over IPC, so it may
 * connect nowhere; in a browser it talks to the API server it came from (whose 'self' covers its WebSocket too).
 */
export function uiContentSecurityPolicy(connect: "'self'" | "'none'"): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function uiHeaders(connect: "'self'" | "'none'"): Record<string, string> {
  return {
    'Content-Security-Policy': uiContentSecurityPolicy(connect),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
}

/** Reads a UI file; a missing build is reported as what to do about it. */
export async function readUiFile(root: string, urlPath: string): Promise<{ body: Buffer; type: string }> {
  const found = resolveUiFile(root, urlPath);
  if (!found) throw new HttpError(404, 'not-found', `no such page ${urlPath}`);
  try {
    return { body: await readFile(found.file), type: found.type };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'EISDIR') throw error;
    const notBuilt = found.file === path.join(path.resolve(root), 'index.html');
    throw new HttpError(404, 'not-found', notBuilt ? `the UI is not built (${found.file} is missing): run \`npm run build\`` : `no such page ${urlPath}`);
  }
}

export async function serveUi(req: IncomingMessage, res: ServerResponse, urlPath: string, root = uiRoot): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'bad-request', 'the UI is read with GET', { Allow: 'GET, HEAD' });
  const { body, type } = await readUiFile(root, urlPath);
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, ...uiHeaders("'self'") });
  res.end(req.method === 'HEAD' ? undefined : body);
}
