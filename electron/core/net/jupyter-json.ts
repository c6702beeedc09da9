// One JSON answer of a Jupyter server's REST API, asked with its token. The server is a peer: its answer is bounded
// in time and size and checked against a schema before it is believed; an error names the path, never the token.
import type { z } from 'zod';
import { exchange, type Reply } from './http-exchange.js';

const MAX_BODY_BYTES = 256 * 1024;
const TIMEOUT_MS = 5_000;

export async function getJupyterJson<T>(baseUrl: string, token: string, path: string, schema: z.ZodType<T>, timeoutMs = TIMEOUT_MS): Promise<T> {
  const where = `/${path.split('?')[0] ?? path}`;
  // The whole answer within the bound: a server trickling a byte at a time must not hold the caller.
  const signal = AbortSignal.timeout(timeoutMs);
  let reply: Reply;
  try {
    reply = await exchange(new URL(path, baseUrl), {
      method: 'GET',
      headers: { authorization: `token ${token}` },
      idleMs: timeoutMs,
      signal,
      maxBytes: MAX_BODY_BYTES,
      tooLarge: () => new Error(`its ${where} sent more than ${MAX_BODY_BYTES} bytes`),
      agent: false,
    });
  } catch (error) {
    if (signal.aborted) throw new Error(`its ${where} did not answer within ${timeoutMs / 1000} s`, { cause: error });
    throw error;
  }
  if (reply.statusCode !== 200) throw new Error(`its ${where} answered HTTP ${reply.statusCode}`);
  let json: unknown;
  try {
    json = JSON.parse(reply.text);
  } catch {
    throw new Error(`its ${where} answered something that is not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(`its ${where} answered something that is not what Jupyter sends there`);
  return parsed.data;
}
