// Match exec runs the user's commands inside the Hub: in their shell, without holding up the event loop, and never
// for longer than the limit, so that a command that hangs (a VPN check waiting on a dead network) cannot hang a login.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { resolveChain, type Locals } from '../../electron/core/ssh/ssh-config.js';
import { sshTarget } from '../../testkit/sshd.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hubtray-match-exec-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function resolve(text: string, locals: Partial<Locals> = {}) {
  const file = path.join(dir, `config-${Math.random().toString(36).slice(2)}`);
  await writeFile(file, text);
  return resolveChain(sshTarget('box'), file, locals);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a Match exec that takes a while leaves the event loop free meanwhile', async () => {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 20);
  try {
    const [host] = await resolve('Match exec "sleep 0.4"\n  Port 2222\n');
    expect(host?.port).toBe(2222);
  } finally {
    clearInterval(timer);
  }
  expect(ticks).toBeGreaterThanOrEqual(10);
});

test('a Match exec that hangs is killed with what it started after the limit, and the host refused naming the line', async () => {
  const pids = path.join(dir, 'pids');
  const started = Date.now();
  const error = await resolve(`Host box\nMatch exec "sleep 30 & echo $$ $! > ${pids}; wait"\n  Port 2222\n`, { matchExecTimeoutMs: 300 }).catch((err: unknown) => err);
  expect(Date.now() - started).toBeLessThan(5000);
  expect(error).toMatchObject({ code: 'config', message: expect.stringMatching(/line 2: Match exec "sleep 30 .*" did not finish within 0\.3 s/) });
  const [shell = 0, sleeper = 0] = (await readFile(pids, 'utf8')).trim().split(' ').map(Number);
  await expect.poll(() => alive(shell) || alive(sleeper), { timeout: 2000 }).toBe(false);
});

test("the command runs in the user's $SHELL with its environment, as OpenSSH runs it", async () => {
  const env = { ...process.env, SHELL: '/bin/bash', HUBTRAY_SITE: 'office' };
  const [host] = await resolve('Match exec "test ${#BASH_VERSION} -gt 0 && test $HUBTRAY_SITE = office"\n  Port 2222\n', { env });
  expect(host?.port).toBe(2222);
});

test('a shell that cannot start refuses the host, naming the line', async () => {
  const error = await resolve('# laptop\nMatch exec true\n  Port 2222\n', { env: { ...process.env, SHELL: '/nonexistent/shell' } }).catch((err: unknown) => err);
  expect(error).toMatchObject({ code: 'config', message: expect.stringMatching(/line 2: Match exec cannot start the shell \/nonexistent\/shell/) });
});

test('once a criterion has failed the command is not run, as in OpenSSH', async () => {
  const marker = path.join(dir, 'ran');
  await resolve(`Match host elsewhere exec "touch ${marker}"\n  Port 2222\n`);
  await expect(readFile(marker)).rejects.toMatchObject({ code: 'ENOENT' });
});
