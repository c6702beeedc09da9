// An asynchronous start's wait for the lab's address. After its 202 the Outpost never reveals the address (reference
// §1, "Async consequence"): the setup-tunnel callback brings it, posted by the lab's own start script, since neither a
// stock Outpost nor a stock jupyterhub-singleuser posts it. A failed event ends the wait, and so does a poll that finds
// the service gone (404, as after a failed asynchronous start) or exited; http_timeout bounds it, so that a lab that
// will never tell fails with that explanation instead of at start_timeout, minutes later.
import { sleep } from '../../net/retry.js';
import { OutpostError } from './outpost-error.js';

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

export interface AddressWait {
  address: Promise<string>;
  failed: Promise<never>;
  /** The Outpost's status for the service: null while it runs, its exit code; a 404 throws. */
  poll: () => Promise<number | null>;
  /** JUPYTERHUB_SETUPTUNNEL_URL, as the lab got it. */
  callbackUrl: string;
  /** http_timeout. */
  timeoutSeconds: number;
  signal: AbortSignal;
}

export async function awaitAddress({ address, failed, poll, callbackUrl, timeoutSeconds, signal }: AddressWait): Promise<string> {
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
  const timedOut = async (): Promise<never> => {
    await sleep(timeoutSeconds * 1000, watching);
    throw new OutpostError(
      `no address came to the setup-tunnel callback (${callbackUrl}) within http_timeout (${timeoutSeconds} s) after the Outpost accepted the asynchronous start. ` +
        'The Outpost never tells it, nor does jupyterhub-singleuser: start the lab through a script that posts it (docs/outpost.md, "An asynchronous start"), or set start_async to false',
      null,
    );
  };
  try {
    return await Promise.race([address, failed, watch(), timedOut(), aborted]);
  } finally {
    done.abort();
  }
}
