// One queue query per cluster per interval, for all of its jobs. Each job's spawner registers its job id; whoever
// needs a fresher status than the last query gave waits for the next query, which asks about every registered job at
// once. Queries are spaced by the interval of the most impatient waiter, so twenty servers starting at once cost one
// squeue per startup_poll_interval, and twenty running ones about one per poll_interval. Nothing runs while nobody
// waits, so a poller needs no shutdown: it is dropped with the SSH pool it belongs to.
import type { JobStatus } from './batch-adapter.js';

export interface QueueSource {
  /** The status of each of `ids` the batch system still knows; one call, whatever the number of ids. */
  query(ids: string[]): Promise<Map<string, JobStatus>>;
}

export interface Observation {
  /** null: the batch system no longer knows the job. */
  status: JobStatus | null;
  /** When the query that saw it started (ms since the epoch). */
  at: number;
}

interface Round {
  due: number;
  timer: NodeJS.Timeout;
  done: Promise<void>;
  start: () => void;
}

export class QueuePoller {
  private readonly seen = new Map<string, Observation | undefined>();
  private lastStart = Number.NEGATIVE_INFINITY;
  private next: Round | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly source: QueueSource) {}

  watch(id: string): void {
    if (!this.seen.has(id)) this.seen.set(id, undefined);
  }

  unwatch(id: string): void {
    this.seen.delete(id);
  }

  /**
   * The job as seen by a query that started at or after `since`. When the last one is older, waits for the next
   * query, starting it no sooner than `spacingMs` after the previous one.
   */
  async observe(id: string, since: number, spacingMs: number, signal?: AbortSignal): Promise<Observation> {
    for (;;) {
      signal?.throwIfAborted();
      if (!this.seen.has(id)) throw new Error(`batch job ${id} is not watched`);
      const seen = this.seen.get(id);
      if (seen && seen.at >= since) return seen;
      await abortable(this.running ?? this.schedule(spacingMs), signal);
    }
  }

  private schedule(spacingMs: number): Promise<void> {
    const due = Math.max(Date.now(), this.lastStart + spacingMs);
    if (this.next && this.next.due <= due) return this.next.done;
    if (this.next) {
      // A more impatient waiter: the same round, sooner.
      clearTimeout(this.next.timer);
      this.next.due = due;
      this.next.timer = this.timer(this.next.start, due);
      return this.next.done;
    }
    let start!: () => void;
    const done = new Promise<void>((resolve, reject) => {
      start = () => {
        this.next = null;
        this.running = this.query().then(resolve, reject);
        void this.running.finally(() => (this.running = null)).catch(() => undefined);
      };
    });
    // Every waiter sees a failed query through its own await; this one only keeps it from being "unhandled".
    done.catch(() => undefined);
    this.next = { due, timer: this.timer(start, due), done, start };
    return done;
  }

  // Unref'd: a query someone waits for is awaited anyway, and a closing hub must not wait for one.
  private timer(start: () => void, due: number): NodeJS.Timeout {
    return setTimeout(start, due - Date.now()).unref();
  }

  private async query(): Promise<void> {
    const at = Date.now();
    this.lastStart = at;
    const ids = [...this.seen.keys()];
    if (ids.length === 0) return;
    const statuses = await this.source.query(ids);
    for (const id of ids) {
      if (this.seen.has(id)) this.seen.set(id, { status: statuses.get(id) ?? null, at });
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

const pollers = new WeakMap<object, Map<string, QueuePoller>>();

/** The poller of one cluster: per owner (the Hub's SSH pool) and key (login target and exec_prefix). */
export function sharedPoller(owner: object, key: string, source: () => QueueSource): QueuePoller {
  let byKey = pollers.get(owner);
  if (!byKey) pollers.set(owner, (byKey = new Map()));
  let poller = byKey.get(key);
  if (!poller) byKey.set(key, (poller = new QueuePoller(source())));
  return poller;
}
