// Bodies read with a size bound, both ways: what a client sends to one of hubtray's servers (the local API, the
// personal hub, which the remote side reaches too), and what a remote server answers (a JupyterHub, an Outpost).
// Neither side may make hubtray buffer without limit.
import type { IncomingMessage } from 'node:http';

/**
 * A request's body as text. An oversized body is read to its end but not kept: cutting the connection instead would
 * reset it before the client has read the refusal.
 */
export async function readRequestBody(req: IncomingMessage, maxBytes: number, tooLarge: () => Error): Promise<string> {
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) throw tooLarge();
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () => (size > maxBytes ? reject(tooLarge()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

/** A response's body as text; past `maxBytes` the body is dropped and the read fails. */
export async function readResponseBody(body: AsyncIterable<Buffer> & { destroy(): unknown }, maxBytes: number, tooLarge: () => Error): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
