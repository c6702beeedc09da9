// Small tools shared by the tunnel fault tests: a far host of a test file's own, requests on fresh connections (as a
// browser opening a new one) and timing how long until something works again.
import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startNetnsHost, type NetnsHost } from '../../testkit/netns-host.js';
import { writeClientConfig, type ClientConfig } from '../../testkit/sshd.js';
import { closeTestPools } from '../ssh/test-pool.js';

export { sleep };

/** GET on a fresh TCP connection; resolves with the body of a 2xx answer. */
export function httpGet(port: number, path = '/', headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, headers, agent: false, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => ((response.statusCode ?? 0) < 300 ? resolve(body) : reject(new Error(`HTTP ${response.statusCode}: ${body}`))));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.on('timeout', () => request.destroy(new Error('request timed out')));
  });
}

/** Resolves with the first bytes a fresh connection to 127.0.0.1:port receives (an sshd's banner, say). */
export function firstBytes(port: number, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('no data in time')));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString('latin1'));
    });
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('closed without data')));
  });
}

/** Polls until check() is truthy; throws naming `what` after timeoutMs. */
export async function until<T>(check: () => T | Promise<T>, what: string, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(25);
  }
}

/**
 * Tries `work` again and again (each try as a browser would: fail, pause, retry) and returns the seconds from `since`
 * to the end of the first try that succeeded.
 */
export async function secondsUntilWorks(work: () => Promise<unknown>, since: number, what: string, timeoutMs = 30_000): Promise<number> {
  const deadline = since + timeoutMs;
  for (;;) {
    const ok = await work().then(
      () => true,
      () => false,
    );
    if (ok) return (performance.now() - since) / 1000;
    if (performance.now() > deadline) throw new Error(`${what} did not work again within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

/** A local HTTP server on 127.0.0.1 that answers with the path it was asked for. */
export async function echoServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => response.end(`hello from ${request.url}`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A network-namespace host, alias 'far' in a client config of its own, made before the calling file's tests and
 * removed after them (the pools each test made are closed after it). The returned function gives it, or why this
 * machine cannot make one.
 */
export function farHostForThisFile(options: { jupyter?: boolean } = {}): () => { host: NetnsHost; config: ClientConfig } | string {
  let host: NetnsHost | string = 'the far host was not started';
  let config: ClientConfig | undefined;
  beforeAll(async () => {
    host = await startNetnsHost(options);
    if (typeof host === 'string') return;
    config = await writeClientConfig([{ alias: 'far', sshd: host.sshd }], { trust: true });
  });
  afterEach(closeTestPools);
  afterAll(async () => {
    if (typeof host === 'object') await host.stop();
    await config?.cleanup();
  });
  return () => (typeof host === 'string' ? host : config ? { host, config } : 'the far host has no client config');
}
