// OpenSSH's sshd allows 10 sessions per connection (MaxSessions; forwards do not count): each connection hands out
// fewer, and a command waits for a free one.
export const maxSessions = 8;

/** A slot taken from Slots: released for the next waiter, or retired for good. */
export interface Slot {
  release: () => void;
  retire: () => void;
}

/** A counting semaphore whose waiters can give up, and whose count drops by each slot retired. */
export class Slots {
  private free: number;
  private held = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(count: number) {
    this.free = count;
  }

  get inUse(): number {
    return this.held;
  }

  acquire(signal: AbortSignal): Promise<Slot> {
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal.removeEventListener('abort', onAbort);
        this.held++;
        let done = false;
        const give = (back: boolean) => {
          if (done) return;
          done = true;
          this.held--;
          if (!back) return;
          const next = this.waiting.shift();
          if (next) next();
          else this.free++;
        };
        resolve({ release: () => give(true), retire: () => give(false) });
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(grant);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal.reason);
      };
      if (signal.aborted) return reject(signal.reason);
      if (this.free > 0) {
        this.free--;
        return grant();
      }
      this.waiting.push(grant);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
