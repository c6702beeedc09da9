// The window loads the renderer from hubtray://ui/, a protocol of the app's own, rather than file://: its pages get
// a real origin that IPC senders are checked against, no access to other files, and the CSP as a header.
import { protocol } from 'electron';
import { HttpError } from '../core/boundary/http-error.js';
import { readUiFile, uiHeaders, uiRoot } from '../core/boundary/static-ui.js';

const scheme = 'hubtray';
const host = 'ui';
export const uiUrl = `${scheme}://${host}/index.html`;

/** Before the app is ready: the scheme must be known as standard and secure when the first window is made. */
export function registerUiScheme(): void {
  // Standard and secure give the pages a real origin in a secure context; the page's module scripts are fetched in
  // CORS mode, which a custom scheme must allow (for its own origin; the CSP forbids every other).
  protocol.registerSchemesAsPrivileged([{ scheme, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true } }]);
}

export function serveUiProtocol(): void {
  protocol.handle(scheme, async (request) => {
    const url = new URL(request.url);
    if (url.host !== host) return new Response('not found', { status: 404 });
    try {
      const { body, type } = await readUiFile(uiRoot, url.pathname);
      // The window talks over IPC only: it may connect nowhere.
      return new Response(new Uint8Array(body), { headers: { 'Content-Type': type, ...uiHeaders("'none'") } });
    } catch (error) {
      return new Response(error instanceof HttpError ? error.message : 'not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    }
  });
}

/** Whether a URL is a page of hubtray's own UI. */
export function isUiUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${scheme}:` && parsed.host === host;
  } catch {
    return false;
  }
}
