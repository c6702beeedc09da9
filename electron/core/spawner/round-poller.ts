// One query per host (or cluster) per round, for all of its servers: a batch queue's squeue for every job, a shell
// host's process check for every server. Each spawner registers its id; whoever needs a fresher status than the last
// query gave waits for the next query, which asks about every registered id at once. Queries are spaced by the
// interval of the most impatient waiter, so twenty servers starting at once cost one squeue per
// startup_poll_interval, and twenty running ones about one per poll_interval. Nothing runs while nobody waits, so a
// poller needs no shutdown: it is dropped with the SSH pool it belongs to.

export interface RoundSource<T> {
  /** The status of each of `ids` the host still knows; one call, whatever the number of ids. */
  query(ids: string[]): Promise<Map<string, T>>;
}

export interface Observation<T> {
  /** null: the host no longer knows the id (a batch job the queue forgot). */
  status: T | null;
  /** When the query that saw it started (ms since the epoch). */
  at: number;
}

interface Round {
  due: number;
  timer: NodeJS.Timeout;
  done: Promise<void>;
  start: () => void;
}

export class RoundPoller<T> {
  private readonly seen = new Map<string, Observation<T> | undefined>();
  private lastStart = Number.NEGATIVE_INFINITY;
  private next: Round | null = null;
  /** The latest round under way, and when it started. */
  private running: { at: number; done: Promise<void> } | null = null;

  constructor(private readonly source: RoundSource<T>) {}

  watch(id: string): void {
    if (!this.seen.has(id)) this.seen.set(id, undefined);
  }

  unwatch(id: string): void {
    this.seen.delete(id);
  }

  /**
   * The id as seen by a query that started at or after `since`. When the last one is older, waits for the next
   * query, starting it no sooner than `spacingMs` after the previous one. A round under way that started before
   * `since` is not waited for: it may be stuck on a dead link (an SSH connection that keepalives have not yet given
   * up), and the fresh check after a reconnect must not queue behind it.
   */
  async observe(id: string, since: number, spacingMs: number, signal?: AbortSignal): Promise<Observation<T>> {
    for (;;) {
      signal?.throwIfAborted();
      if (!this.seen.has(id)) throw new Error(`${id} is not watched`);
      const seen = this.seen.get(id);
      if (seen && seen.at >= since) return seen;
      const running = this.running;
      await abortable(running && running.at >= since ? running.done : this.schedule(spacingMs), signal);
    }
  }

  private schedule(spacingMs: number): Promise<void> {
    const due = Math.max(Date.now(), this.lastStart + spacingMs);
    if (this.next && this.next.due <= due) return this.next.done;
    if (this.next) {
      // A more impatient waiter: the same round, sooner.
      clearTimeout(this.next.timer);
      this.next.due = due;
      this.next.timer = this.timer(this.next.start, due, spacingMs);
      return this.next.done;
    }
    let start!: () => void;
    const done = new Promise<void>((resolve, reject) => {
      start = () => {
        this.next = null;
        const at = Date.now();
        const round = { at, done: this.query(at).then(resolve, reject) };
        this.running = round;
        void round.done.finally(() => this.running === round && (this.running = null)).catch(() => undefined);
      };
    });
    // Every waiter sees a failed query through its own await; this one only keeps it from being "unhandled".
    done.catch(() => undefined);
    this.next = { due, timer: this.timer(start, due, spacingMs), done, start };
    return done;
  }

  // Not unref'd: a round is scheduled only while someone waits for it, and a promise awaited keeps no process alive.
  // (Unref'd, a `hubtray serve` whose first act was to re-attach a server on this computer exited at once, code 13:
  // its top-level await waited on a round whose timer alone was pending.)
  private timer(start: () => void, due: number, spacingMs: number): NodeJS.Timeout {
    // At most the spacing away: a wall clock stepped back must not put the next round hours ahead.
    return setTimeout(start, Math.min(due - Date.now(), spacingMs));
  }

  private async query(at: number): Promise<void> {
    this.lastStart = at;
    const ids = [...this.seen.keys()];
    if (ids.length === 0) return;
    const statuses = await this.source.query(ids);
    for (const id of ids) {
      // A slow round that ends after a later one must not replace the later one's answers.
      if (this.seen.has(id) && !((this.seen.get(id)?.at ?? -Infinity) > at)) this.seen.set(id, { status: statuses.get(id) ?? null, at });
    }
  }
}

function abortable(work: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return work;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const pollers = new WeakMap<object, Map<string, unknown>>();

/**
 * The poller of one host: per owner (the Hub's SSH pool) and key (e.g. a cluster's login target and exec_prefix).
 * Keys of different kinds of poller must differ (a prefix per kind).
 */
export function sharedPoller<P>(owner: object, key: string, create: () => P): P {
  let byKey = pollers.get(owner);
  if (!byKey) pollers.set(owner, (byKey = new Map()));
  if (!byKey.has(key)) byKey.set(key, create());
  return byKey.get(key) as P;
}
