// Saves one file from memory without rewriting it for every change: servers are polled all the time, and an fsynced
// rewrite per poll cost tens of megabytes a minute. Changes mark the memory dirty; after a short pause one write
// takes a snapshot of everything changed so far, and at most one write runs at a time. Each change still hears back
// only from a write that contains it, because the hub announces a change only once it is on disk.
//
// A write that fails (a full disk, a read-only mount) rejects the changes it carried, but memory keeps them and
// stays dirty, and the writer tries again by itself until a write succeeds: freeing space is enough to recover.
import { StateWriteError } from './state-write-error.js';

export type WriteFile = (file: string, data: string) => Promise<void>;

export interface StateWriterOptions {
  write: WriteFile;
  /** How long a burst of changes may gather before one write. */
  debounceMs?: number;
  /** How often dirty memory is tried again after a failed write. */
  retryMs?: number;
}

interface Waiter {
  version: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class StateWriter {
  // Every change bumps `version`; `saved` is the newest version known to be on disk.
  private version = 0;
  private saved = 0;
  private waiters: Waiter[] = [];
  private writing: Promise<void> | null = null;
  private debounce: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private trouble: string | null = null;
  private readonly listeners = new Set<(problem: string | null) => void>();
  private closed = false;
  private readonly write: WriteFile;
  private readonly debounceMs: number;
  private readonly retryMs: number;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => string,
    options: StateWriterOptions,
  ) {
    this.write = options.write;
    this.debounceMs = options.debounceMs ?? 25;
    this.retryMs = options.retryMs ?? 5000;
  }

  get dirty(): boolean {
    return this.saved < this.version;
  }

  /**
   * Resolves once memory as it is now is on disk; rejects with a StateWriteError if the write carrying it failed.
   * `changed` false (the change changed nothing) writes nothing, but still waits for a pending write: the
   * caller may announce what it asked for, which must not get ahead of the disk.
   */
  save(changed: boolean): Promise<void> {
    if (changed) this.version++;
    else if (!this.dirty) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ version: this.version, resolve, reject }));
    this.schedule();
    return done;
  }

  /** Hears the problem when saving starts failing (or fails differently), and null once a save succeeds again. */
  onTrouble(listener: (problem: string | null) => void): () => void {
    this.listeners.add(listener);
    // A save may have failed before anyone listened, e.g. tidying the file right after it was loaded.
    if (this.trouble !== null) listener(this.trouble);
    return () => this.listeners.delete(listener);
  }

  /**
   * Stops retrying and makes one last attempt for whatever is not on disk yet. Resolves even if that fails: the
   * changes' own promises reject, and onTrouble has already told.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (;;) {
      clearTimeout(this.debounce);
      clearTimeout(this.retry);
      this.debounce = this.retry = undefined;
      if (this.writing) {
        await this.writing;
        continue;
      }
      if (this.dirty) await this.flush();
      return;
    }
  }

  private schedule(): void {
    // A running write schedules the next one when it ends, so that writes never overlap.
    if (this.debounce || this.writing) return;
    clearTimeout(this.retry);
    this.retry = undefined;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.flush();
    }, this.debounceMs);
  }

  private flush(): Promise<void> {
    this.writing ??= this.writeOnce().finally(() => {
      this.writing = null;
      this.next();
    });
    return this.writing;
  }

  private async writeOnce(): Promise<void> {
    const version = this.version;
    try {
      await this.write(this.file, this.snapshot());
    } catch (error) {
      const failure = new StateWriteError(this.file, error);
      this.settle(version, (waiter) => waiter.reject(failure));
      this.tell(failure.message);
      return;
    }
    this.saved = Math.max(this.saved, version);
    this.settle(version, (waiter) => waiter.resolve());
    this.tell(null);
  }

  private next(): void {
    if (!this.dirty) return;
    // Changes made during the write are waited on: they get a write of their own at once. Otherwise memory is only
    // ahead of the disk because a write failed, and there is no hurry.
    if (this.waiters.length > 0) this.schedule();
    else if (!this.closed) {
      this.retry = setTimeout(() => {
        this.retry = undefined;
        if (this.dirty) void this.flush();
      }, this.retryMs).unref();
    }
  }

  private settle(version: number, settle: (waiter: Waiter) => void): void {
    const due = this.waiters.filter((waiter) => waiter.version <= version);
    this.waiters = this.waiters.filter((waiter) => waiter.version > version);
    due.forEach(settle);
  }

  private tell(problem: string | null): void {
    if (problem === this.trouble) return;
    this.trouble = problem;
    for (const listener of this.listeners) {
      try {
        listener(problem);
      } catch (error) {
        // A listener's bug must not stop the state from being saved.
        process.emitWarning(`a state-trouble listener threw: ${String(error)}`);
      }
    }
  }
}
