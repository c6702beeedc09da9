// One-time launch links. Opening a browser passes the URL in an opener's argv (xdg-open, open, rundll32), where
// any local user's `ps` can read it; so the browser gets a short-lived, single-use link to the API server, which
// redirects it to the server's authenticated URL. The link is worthless once used, and after a minute.
import { randomBytes } from 'node:crypto';

const TTL_MS = 60_000;

export class LaunchLinks {
  private readonly links = new Map<string, { url: string; expires: number }>();

  create(url: string): string {
    this.prune();
    const nonce = randomBytes(24).toString('base64url');
    this.links.set(nonce, { url, expires: Date.now() + TTL_MS });
    return nonce;
  }

  /** The URL behind a nonce, once; null when unknown, used or expired. */
  take(nonce: string): string | null {
    const link = this.links.get(nonce);
    this.links.delete(nonce);
    return link && link.expires > Date.now() ? link.url : null;
  }

  private prune(): void {
    const now = Date.now();
    for (const [nonce, link] of this.links) if (link.expires <= now) this.links.delete(nonce);
  }
}
