// A running server's further forwarded ports (a Dask or TensorBoard dashboard beside Jupyter): each a local listener
// on 127.0.0.1 through the same pooled SSH connection as the server's own tunnel, so each heals with it and keeps its
// local port. A port picked free is kept for the server's life: the record carries it, and a restarted hub opens the
// forward on it again. They open when the server's tunnel opens and close with it.
import type { ForwardInfo, TunnelHealth } from '../../../shared/api.js';
import { errorMessage } from '../../../shared/error-message.js';
import { forwardClash } from '../../../shared/forwards.js';
import { boundedText } from '../../../shared/text.js';
import type { ServerRecord } from '../state/server-record.js';
import type { LocalForward, SshPool } from '../ssh/ssh-pool.js';
import type { SshTarget } from '../ssh/ssh-target.js';

export type ForwardWish = NonNullable<ServerRecord['forwards']>[number];

/** Where the forwards lead: the host the server's tunnel goes to (a compute node), through its SSH target. */
export interface ForwardPath {
  via: SshTarget;
  host: string;
}

interface Entry {
  wish: ForwardWish;
  forward: LocalForward | null;
  /** Why it could not be opened, until it is. */
  error: string | null;
  unwatch: (() => void) | null;
}

export interface ServerForwardsDeps {
  pool: SshPool;
  /** A forward's health or port changed: the server's info is to be announced. */
  changed: () => void;
}

export class ServerForwards {
  private entries: Entry[] = [];
  private path: ForwardPath | null = null;

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
      url: forward ? `http://127.0.0.1:${forward.localPort}/` : null,
      origin: wish.origin,
      health: forward ? forward.health() : health(error),
    }));
  }

  /** The server's tunnel is open: every forward not yet open opens (one that cannot says why in its health). */
  async open(path: ForwardPath): Promise<void> {
    this.path = path;
    await Promise.all(this.entries.filter((e) => !e.forward).map((e) => this.openEntry(e, path).catch(() => undefined)));
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
    if (!this.path) throw new ForwardRefused('its tunnel is not open now; try again once it runs');
    const entry: Entry = { wish: { ...wish }, forward: null, error: null, unwatch: null };
    await this.openEntry(entry, this.path).catch((error: unknown) => {
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
    this.path = null;
    await Promise.all(this.entries.map(closeEntry));
  }

  private async openEntry(entry: Entry, path: ForwardPath): Promise<void> {
    const { wish } = entry;
    const remote = { host: path.host, port: wish.remotePort };
    let forward: LocalForward;
    try {
      forward = await this.deps.pool.forwardLocal(path.via, remote, wish.localPort ? { localPort: wish.localPort } : {});
    } catch (error) {
      // A port hubtray picked may be taken meanwhile (after a hub restart): a new one beats no forward. One the user
      // chose is theirs: it fails, saying why.
      if (!wish.localPort || wish.chosen) return this.failed(entry, error);
      forward = await this.deps.pool.forwardLocal(path.via, remote).catch((again: unknown) => this.failed(entry, again));
    }
    // Closed meanwhile (the server ended during the open): the listener goes at once.
    if (this.path !== path) {
      await forward.close();
      return;
    }
    entry.forward = forward;
    entry.error = null;
    entry.wish.localPort = forward.localPort;
    entry.unwatch = forward.onHealth(() => this.deps.changed());
    this.deps.changed();
  }

  private failed(entry: Entry, error: unknown): never {
    entry.error = boundedText(errorMessage(error), 500);
    this.deps.changed();
    throw error;
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
