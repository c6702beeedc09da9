// The activity check treats the server as a peer: an answer too large, too slow, not JSON or not Jupyter's shape is
// an error that says which, never a hang or a guess. The hostile servers here are stand-ins by name: a real Jupyter
// does none of this (cull.test.ts checks the real one).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readJupyterActivity } from '../../electron/core/culler/jupyter-activity.js';

let hostileStandIn: Server;
let base: string;

beforeAll(async () => {
  hostileStandIn = createServer((req, res) => {
    if (req.url === '/huge/api/status') return res.end('{"x":"' + 'a'.repeat(300 * 1024) + '"}');
    if (req.url === '/silent/api/status') return res.writeHead(200).write('{');
    if (req.url === '/garbage/api/status') return res.end('<html>');
    if (req.url === '/shape/api/status') return res.end('{"connections": "many"}');
    res.writeHead(403).end();
  });
  await new Promise<void>((resolve) => hostileStandIn.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(hostileStandIn.address() as AddressInfo).port}`;
});

afterAll(async () => {
  hostileStandIn.closeAllConnections();
  await new Promise((resolve) => hostileStandIn.close(resolve));
});

const ask = (path: string) => readJupyterActivity({ baseUrl: `${base}/${path}/`, token: 't', askKernels: true, idleSince: new Date() }, 1_000);

it('refuses an answer larger than its bound', async () => {
  await expect(ask('huge')).rejects.toThrow(/^its \/api\/status sent more than 262144 bytes$/);
});

it('gives up on a server that does not finish its answer', async () => {
  await expect(ask('silent')).rejects.toThrow(/^its \/api\/status did not answer within 1 s$/);
});

it('says what was wrong with an answer that is not JSON, not Jupyter\'s, or refused', async () => {
  await expect(ask('garbage')).rejects.toThrow(/^its \/api\/status answered something that is not JSON$/);
  await expect(ask('shape')).rejects.toThrow(/^its \/api\/status answered something that is not what Jupyter sends there$/);
  await expect(ask('refused')).rejects.toThrow(/^its \/api\/status answered HTTP 403$/);
});
