// Waits until a Jupyter server answers HTTP (JupyterHub's http_timeout), and checks it later on.
import { exchange } from './http-exchange.js';

/** /api/status is a few hundred bytes; a server that sends more is not the Jupyter this waits for. */
const STATUS_MAX_BYTES = 64 * 1024;

/** True when GET /api/status answers 200 with the token, i.e. the server is up and it is ours. */
export async function answersHttp(baseUrl: string, token: string, timeoutMs = 5000): Promise<boolean> {
  try {
    const reply = await exchange(new URL('api/status', baseUrl), {
      method: 'GET',
      headers: { authorization: `token ${token}` },
      idleMs: timeoutMs,
      // The whole answer within the bound: a server (or a peer in its place) trickling a byte at a time must not
      // hold a check open for ever.
      signal: AbortSignal.timeout(timeoutMs),
      maxBytes: STATUS_MAX_BYTES,
      agent: false,
    });
    return reply.statusCode === 200;
  } catch {
    return false;
  }
}

/**
 * Polls until the server answers, `isGone()` reports the process has died, the signal aborts, or `timeoutSeconds`
 * pass. Resolves with why it stopped waiting.
 */
export async function waitForHttp(
  baseUrl: string,
  token: string,
  timeoutSeconds: number,
  isGone: () => Promise<boolean>,
  signal: AbortSignal,
): Promise<'ready' | 'gone' | 'timeout'> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let delay = 100;
  for (let round = 0; Date.now() < deadline; round++) {
    signal.throwIfAborted();
    if (await answersHttp(baseUrl, token, Math.min(5000, Math.max(100, deadline - Date.now())))) return 'ready';
    // Checking the process costs a round trip over SSH; every few rounds is enough to fail fast on a crash.
    if (round % 3 === 2 && (await isGone())) return 'gone';
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 1.5, 1000);
  }
  return (await isGone()) ? 'gone' : 'timeout';
}
