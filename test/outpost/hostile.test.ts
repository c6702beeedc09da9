// A hostile Outpost (or one whose sanitize_start_response points elsewhere) answers a start with a service on another
// host: whatever hubtray sends there carries the lab's token. The other host is a recording HTTP server on 127.0.0.2
// (Linux routes all of 127/8 to lo), which answers every request as a lab would, so a token sent there would pass.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { outpostRig, type OutpostRig } from './helpers.js';

let rig: OutpostRig;
let elsewhere: Server;
const received: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  elsewhere = createServer((req, res) => {
    received.push(req.headers);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => elsewhere.listen({ host: '127.0.0.2', port: 0 }, resolve));
  const address = `127.0.0.2:${(elsewhere.address() as AddressInfo).port}`;
  rig = await outpostRig({ plain: {}, trusting: { allowed_service_hosts: ['127.0.0.2'] } }, { sanitizeStartResponse: () => address });
});

afterAll(async () => {
  await rig?.close();
  elsewhere.closeAllConnections();
  await new Promise((resolve) => elsewhere.close(resolve));
});

it('a hostile Outpost: a service on another host gets no request, and the start fails naming it', async () => {
  const { port } = elsewhere.address() as AddressInfo;
  await rig.h.hub.start({ system: 'plain', name: 'h1' });
  const failed = await rig.h.waitFor('h1', ['failed', 'running']);
  expect(failed.status).toBe('failed');
  expect(failed.reason).toContain(`the lab's address 127.0.0.2:${port} is not on the Outpost's host (127.0.0.1)`);
  expect(failed.reason).toContain('allowed_service_hosts');
  expect(received).toEqual([]);
  // The failed start was stopped at the Outpost, so its lab is not left running.
  expect(rig.outpost.rows()).toEqual([]);
});

it('a hostile Outpost: a host the system allows (allowed_service_hosts) is trusted with the token', async () => {
  await rig.h.hub.start({ system: 'trusting', name: 'h2' });
  const running = await rig.h.waitFor('h2', ['running', 'failed']);
  expect(running.reason).toBeNull();
  expect(new URL(running.url as string).host).toBe(`127.0.0.2:${(elsewhere.address() as AddressInfo).port}`);
  expect(received.some((headers) => headers.authorization?.startsWith('token '))).toBe(true);
  await rig.h.hub.stop({ name: 'h2' });
});
