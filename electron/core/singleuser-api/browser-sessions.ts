// How the browser proves to the personal hub that it is the user's. `open` hands out a single-use login link
// (/hub/login?ticket=...); redeeming it sets a session cookie, and the OAuth authorize step later only answers a
// browser holding that cookie. The cookie is HttpOnly and limited to /hub/, so the labs (served under /user/ on other
// 127.0.0.1 ports, which share cookies by host) never receive it; SameSite=Strict keeps other sites from using it.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LaunchLinks } from '../net/launch-links.js';

/** A browser session lasts as long as a JupyterHub login cookie does by default. */
const SESSION_TTL_MS = 14 * 24 * 3600_000;

export class BrowserSessions {
  private readonly tickets = new LaunchLinks();
  private readonly sessions = new Map<string, number>();

  /** @param cookieName unique per personal hub: every hubtray home on this computer shares the host 127.0.0.1. */
  constructor(readonly cookieName: string) {}

  /** A single-use ticket that logs a browser in and then sends it to `next`. */
  ticket(next: string): string {
    return this.tickets.create(next);
  }

  /** Redeems a ticket: the URL to go on to and the Set-Cookie header of the new session; null if the ticket is spent. */
  redeem(ticket: string): { next: string; setCookie: string } | null {
    const next = this.tickets.take(ticket);
    if (next === null) return null;
    const id = randomBytes(24).toString('base64url');
    this.sessions.set(id, Date.now() + SESSION_TTL_MS);
    const maxAge = Math.floor(SESSION_TTL_MS / 1000);
    return { next, setCookie: `${this.cookieName}=${id}; Path=/hub/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}` };
  }

  loggedIn(req: IncomingMessage): boolean {
    const id = this.sessionId(req);
    const expires = id ? this.sessions.get(id) : undefined;
    if (!id || expires === undefined) return false;
    if (expires > Date.now()) return true;
    this.sessions.delete(id);
    return false;
  }

  /** Ends the browser's session; the Set-Cookie header that clears its cookie. */
  logOut(req: IncomingMessage): string {
    const id = this.sessionId(req);
    if (id) this.sessions.delete(id);
    return `${this.cookieName}=; Path=/hub/; HttpOnly; SameSite=Strict; Max-Age=0`;
  }

  private sessionId(req: IncomingMessage): string | undefined {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [name, ...value] = part.trim().split('=');
      if (name === this.cookieName) return value.join('=');
    }
    return undefined;
  }
}
