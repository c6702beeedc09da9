// The Launcher's retry policy for hub API requests: `retries` attempts in all, waiting retry_delay seconds before the
// second and doubling after each (4, 8, 16 s with its defaults). A hub that says when to come back (429 or 503 with
// Retry-After) is taken at its word instead.

export interface RetryPolicy {
  retries: number;
  /** Seconds before the first retry. */
  retryDelay: number;
  signal?: AbortSignal;
}

/**
 * Thrown by an attempt that may succeed later; `afterMs` is the server's Retry-After, when it gave one. withRetries
 * throws the last one when the attempts run out, so the caller can say that it gave up.
 */
export class Transient<E extends Error = Error> extends Error {
  constructor(
    readonly reason: E,
    readonly afterMs?: number,
  ) {
    super(reason.message);
  }
}

export async function withRetries<T>(policy: RetryPolicy, attempt: () => Promise<T>): Promise<T> {
  let delayMs = policy.retryDelay * 1000;
  for (let n = 1; ; n++) {
    policy.signal?.throwIfAborted();
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof Transient)) throw error;
      if (n >= policy.retries) throw error;
      await sleep(error.afterMs ?? delayMs, policy.signal);
      delayMs *= 2;
    }
  }
}

/** Retry-After as seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
