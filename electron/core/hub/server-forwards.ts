// A running server's further forwarded ports (a Dask or TensorBoard dashboard beside Jupyter): over SSH, each a
// local listener on 127.0.0.1 through the same pooled connection as the server's own tunnel, so each heals with it and
// keeps its local port; where no SSH leads there, a link through the server's jupyter-server-proxy (see
// forward-openers.ts). A port picked free is kept for the server's life: the record carries it, and a restarted hub
// opens the forward on it again. They open when the way to the server does (its tunnel, or its first answer) and
// close with it.
import type { ForwardInfo, TunnelHealth } from '../../../shared/api.js';
import { errorMessage } from '../../../shared/error-message.js';
import { forwardClash } from '../../../shared/forwards.js';
import { boundedText } from '../../../shared/text.js';
import type { ServerRecord } from '../state/server-record.js';
import type { ForwardOpener, OpenForward } from './forward-openers.js';

export type ForwardWish = NonNullable<ServerRecord['forwards']>[number];

interface Entry {
  wish: ForwardWish;
  forward: OpenForward | null;
  /** Why it could not be opened, until it is. */
  error: string | null;
  unwatch: (() => void) | null;
}

export interface ServerForwardsDeps {
  /** A forward's health or port changed: the server's info is to be announced. */
  changed: () => void;
}

export class ServerForwards {
  private entries: Entry[] = [];
  private opener: ForwardOpener | null = null;

  constructor(private readonly deps: ServerForwardsDeps) {}

  /** What the server should have: the record's (a re-attach) or the system's extra_forwards (a fresh start). */
  load(wishes: ForwardWish[]): void {
    this.entries = wishes.map((wish) => ({ wish: { ...wish }, forward: null, error: null, unwatch: null }));
  }

  /** What the record keeps: each forward with the local port it has, so that a restarted hub uses the same one. */
  wishes(): ForwardWish[] {
    return this.entries.map((e) => ({ ...e.wish }));
  }

  infos(): ForwardInfo[] {
    return this.entries.map(({ wish, forward, error }) => ({
      name: wish.name,
      remotePort: wish.remotePort,
      ...(wish.localPort ? { localPort: wish.localPort } : {}),
      url: forward ? forward.url : null,
      ...(forward ? { via: forward.via } : {}),
      origin: wish.origin,
      health: forward ? forward.health() : health(error),
    }));
  }

  /** Whether the way to the server is open (see open). */
  get isOpen(): boolean {
    return this.opener !== null;
  }

  /** The way to the server is open: every forward not yet open opens (one that cannot says why in its health). */
  async open(opener: ForwardOpener): Promise<void> {
    this.opener = opener;
    await Promise.all(this.entries.filter((e) => !e.forward).map((e) => this.openEntry(e, opener).catch(() => undefined)));
  }

  /**
   * One more forward while the server runs. The same forward asked for again is kept as it is; a busy local port, or
   * a name or remote port already forwarded, is refused with the cause.
   */
  async add(wish: ForwardWish): Promise<void> {
    const same = this.entries.find((e) => e.wish.name === wish.name && e.wish.remotePort === wish.remotePort);
    if (same && (!wish.localPort || wish.localPort === same.wish.localPort)) return;
    const clash = forwardClash([...this.entries.map((e) => e.wish), wish]);
    if (clash) throw new ForwardRefused(clash);
    if (!this.opener) throw new ForwardRefused('the way to it is not open now; try again once it runs');
    const entry: Entry = { wish: { ...wish }, forward: null, error: null, unwatch: null };
    await this.openEntry(entry, this.opener).catch((error: unknown) => {
      throw new ForwardRefused(errorMessage(error));
    });
    // The tunnel closed while the forward opened (the server ended): it was closed at once, and is not kept.
    if (!entry.forward) throw new ForwardRefused('its tunnel closed meanwhile');
    this.entries.push(entry);
  }

  /** Closes the forward of that remote port or label; says whether there was one. */
  async remove(which: number | string): Promise<boolean> {
    const entry = this.entries.find((e) => (typeof which === 'number' ? e.wish.remotePort === which : e.wish.name === which));
    if (!entry) return false;
    this.entries = this.entries.filter((e) => e !== entry);
    await closeEntry(entry);
    return true;
  }

  /** The tunnel closed (hubtray quits, or a start tries another port): the listeners go, the wishes stay. */
  async close(): Promise<void> {
    this.opener = null;
    await Promise.all(this.entries.map(closeEntry));
  }

  private async openEntry(entry: Entry, opener: ForwardOpener): Promise<void> {
    let forward: OpenForward;
    try {
      forward = await opener.open(entry.wish);
    } catch (error) {
      entry.error = boundedText(errorMessage(error), 500);
      this.deps.changed();
      throw error;
    }
    // Closed meanwhile (the server ended during the open): the listener goes at once.
    if (this.opener !== opener) {
      await forward.close();
      return;
    }
    entry.forward = forward;
    entry.error = null;
    if (forward.localPort) entry.wish.localPort = forward.localPort;
    entry.unwatch = forward.onHealth(() => this.deps.changed());
    this.deps.changed();
  }
}

/** A forward the caller asked for and cannot have as asked: the message is the cause. */
export class ForwardRefused extends Error {}

async function closeEntry(entry: Entry): Promise<void> {
  entry.unwatch?.();
  entry.unwatch = null;
  const forward = entry.forward;
  entry.forward = null;
  await forward?.close();
}

function health(error: string | null): TunnelHealth {
  return error ? { state: 'failed', lastError: error } : { state: 'none' };
}
