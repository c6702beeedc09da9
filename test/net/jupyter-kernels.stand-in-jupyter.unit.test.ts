// kernelActivity against a stand-in for a Jupyter server that misbehaves as no real one here can be made to: a
// huge answer, one that trickles, one that is not JSON, a refusal. The well-behaved answer is checked against
// Debian's real Jupyter in test/renderer/stop-confirm.e2e.test.ts.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelActivity } from '../../electron/core/net/jupyter-kernels.js';
import { getJupyterJson } from '../../electron/core/net/jupyter-json.js';
import { z } from 'zod';

const answers: Record<string, (res: ServerResponse) => void> = {
  '/ok/api/kernels': (res) => res.end(JSON.stringify([{ execution_state: 'busy' }, { execution_state: 'idle' }, { execution_state: 'busy' }])),
  '/huge/api/kernels': (res) => res.end(`[${'{"execution_state":"idle"},'.repeat(20_000)}{}]`),
  '/text/api/kernels': (res) => res.end('<html>login</html>'),
  '/shape/api/kernels': (res) => res.end('{"kernels": 3}'),
  '/refused/api/kernels': (res) => res.writeHead(403).end('{"message": "Forbidden"}'),
  // Headers at once, then a byte now and then: only the whole-answer bound ends it.
  '/trickle/api/kernels': (res) => {
    res.writeHead(200);
    const timer = setInterval(() => res.write(' '), 100);
    res.on('close', () => clearInterval(timer));
  },
};

let server: Server;
let base: string;
const seenAuth: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seenAuth.push(req.headers.authorization ?? '');
    const answer = answers[new URL(req.url ?? '/', 'http://x').pathname];
    if (answer) answer(res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('kernelActivity', () => {
  it('counts the busy kernels, asking with the token and without counting as activity', async () => {
    expect(await kernelActivity(`${base}/ok/`, 'sekrit')).toEqual({ total: 3, busy: 2 });
    expect(seenAuth.at(-1)).toBe('token sekrit');
  });

  it('refuses an answer too big, not JSON, of another shape, or an HTTP error, naming the path', async () => {
    await expect(kernelActivity(`${base}/huge/`, 't')).rejects.toThrow(/^its \/api\/kernels sent more than 262144 bytes$/);
    await expect(kernelActivity(`${base}/text/`, 't')).rejects.toThrow(/^its \/api\/kernels answered something that is not JSON$/);
    await expect(kernelActivity(`${base}/shape/`, 't')).rejects.toThrow(/^its \/api\/kernels answered something that is not what Jupyter sends there$/);
    await expect(kernelActivity(`${base}/refused/`, 't')).rejects.toThrow(/^its \/api\/kernels answered HTTP 403$/);
  });

  it('gives up on an answer that trickles, within its bound, saying so', async () => {
    await expect(getJupyterJson(`${base}/trickle/`, 't', 'api/kernels', z.array(z.unknown()), 500)).rejects.toThrow(/^its \/api\/kernels did not answer within 0.5 s$/);
  });
});
