// An asynchronous start's wait for the lab's address. After its 202 the Outpost never reveals the address (reference
// §1, "Async consequence"): the setup-tunnel callback brings it. A failed event ends the wait, and so does a poll that
// finds the service gone (404, as after a failed asynchronous start) or exited.
import { sleep } from '../jupyterhub/retry.js';
import { OutpostError } from './errors.js';

/** How often the Outpost is asked whether it has given up, while the address is awaited. */
const WATCH_MS = 2000;

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  // Nobody may be waiting when it settles (a failed event after the start has ended).
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** `poll` is the Outpost's status for the service: null while it runs, its exit code; a 404 throws. */
export async function awaitAddress(address: Promise<string>, failed: Promise<never>, poll: () => Promise<number | null>, signal: AbortSignal): Promise<string> {
  const done = new AbortController();
  const watching = AbortSignal.any([signal, done.signal]);
  const watch = async (): Promise<never> => {
    for (;;) {
      await sleep(WATCH_MS, watching);
      const status = await poll().catch((error: unknown) => {
        if (error instanceof OutpostError && error.status === 404) throw new OutpostError('the Outpost gave up the start: it no longer knows the service (404)', 404);
        // Any other failure may pass: the callback, or the start timeout, decides.
        return null;
      });
      if (status !== null) throw new OutpostError(`the lab exited with code ${status} before it told its address`, null);
    }
  };
  const aborted = new Promise<never>((_, reject) => watching.addEventListener('abort', () => reject(watching.reason as Error), { once: true }));
  aborted.catch(() => undefined);
  try {
    return await Promise.race([address, failed, watch(), aborted]);
  } finally {
    done.abort();
  }
}
