// ProxyCommand as sites use it (`ssh -W %h:%p bastion`, a wrapper script around a zero-trust client), against real
// sshd instances: the login rides on the command's stdin and stdout; the command, and whatever it started, is gone
// by PID once the connection closes, a login fails or the link closes as the pool closes it; a command that fails
// says why in the error.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { Link } from '../../electron/core/ssh/link.js';
import type { HostSettings } from '../../electron/core/ssh/ssh-config.js';
import { startSshd, ssh2Target as sshTarget, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { connectDirect, hopsTo, run, sshFailure, type DirectOptions } from './direct-connection.js';
import { closeTestPools, testPool } from './test-pool.js';

let bastion: Sshd;
let target: Sshd;
let refusing: Sshd;
let config: ClientConfig;

beforeAll(async () => {
  [bastion, target, refusing] = await Promise.all([
    startSshd({ logLevel: 'DEBUG1' }),
    startSshd(),
    startSshd({ users: [{ name: 'root', authorizedKeys: [] }] }),
  ]);
  config = await writeClientConfig(
    [
      { alias: 'bastion', sshd: bastion },
      { alias: 'target', sshd: target },
      { alias: 'refusing', sshd: refusing },
      // Written before the config path is known: the test's ProxyCommand names that file.
      { alias: 'configured', sshd: target, extra: ['ProxyCommand ssh -F CONFIG -o BatchMode=yes -W %h:%p bastion'] },
    ],
    { trust: true },
  );
  await writeFile(config.configPath, (await readFile(config.configPath, 'utf8')).replace('-F CONFIG', `-F ${config.configPath}`));
});
afterEach(closeTestPools);
afterAll(async () => {
  await Promise.all([bastion?.stop(), target?.stop(), refusing?.stop()]);
  await config?.cleanup();
});

/** OpenSSH's own client as the proxy, as `ProxyCommand ssh -W %h:%p bastion` runs it (tokens expanded). */
const sshW = (host: string, port: number) => `ssh -F ${config.configPath} -o BatchMode=yes -W ${host}:${port} bastion`;

const hopWithProxy = (alias: string, proxyCommand: string): Promise<HostSettings[]> => hopsTo(config, alias, { proxyCommand });
const connect = (chain: HostSettings[], log: string[], options: DirectOptions = {}) => connectDirect(chain, { log, ...options });

function proxyPid(log: string[]): number {
  const pid = log.map((line) => /ProxyCommand .* started \(pid (\d+)\)/.exec(line)?.[1]).find(Boolean);
  if (!pid) throw new Error(`no ProxyCommand started in:\n${log.join('\n')}`);
  return Number(pid);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a site reached through `ProxyCommand ssh -W %h:%p bastion`: the login works, and the proxy is gone by PID once the connection closes', async () => {
  const log: string[] = [];
  const connection = await connect(await hopWithProxy('target', sshW('127.0.0.1', target.port)), log);
  const pid = proxyPid(log);
  expect(await run(connection, 'id -un')).toBe('root\n');
  expect(await bastion.log()).toMatch(new RegExp(`server_request_direct_tcpip: .*target 127\\.0\\.0\\.1 port ${target.port}`));
  expect(alive(pid)).toBe(true);
  await connection.end();
  expect(alive(pid)).toBe(false);
});

test('ProxyCommand in the ssh config, through the pool: commands run over it, and closing the pool stops it, by PID', async () => {
  const log: string[] = [];
  const { pool } = testPool(config, { log: (line) => log.push(line) });
  expect((await pool.exec(sshTarget('configured'), 'echo over the proxy')).stdout).toBe('over the proxy\n');
  const pid = proxyPid(log);
  expect(alive(pid)).toBe(true);
  await pool.close();
  expect(alive(pid)).toBe(false);
});

test('a wrapper script that starts helpers of its own: they go with the proxy, whose whole process group is stopped', async () => {
  const pidFile = path.join(config.dir, 'helper.pid');
  const log: string[] = [];
  const wrapper = `sh -c 'sleep 300 & echo $! > ${pidFile}; exec ${sshW('127.0.0.1', target.port)}'`;
  const connection = await connect(await hopWithProxy('target', wrapper), log);
  const helper = Number(await readFile(pidFile, 'utf8'));
  expect(alive(helper)).toBe(true);
  await connection.end();
  expect(alive(proxyPid(log))).toBe(false);
  // Signalled as the proxy exits; reaped by whoever inherited it.
  await until(() => !alive(helper));
});

test('a refused login over a ProxyCommand: the error is the refusal, and the proxy is gone when it arrives', async () => {
  const log: string[] = [];
  const error = await sshFailure(connect(await hopWithProxy('refusing', sshW('127.0.0.1', refusing.port)), log));
  expect(error.code).toBe('auth');
  expect(error.message).toMatch(/^Permission denied for root@127\.0\.0\.1/);
  expect(alive(proxyPid(log))).toBe(false);
});

test('closing the pool while the proxy has not answered yet stops it, by PID', async () => {
  const log: string[] = [];
  const chain = await hopWithProxy('target', 'sleep 300');
  // What SshPool.close() does to each link: abort its logins, then close it.
  const shutdown = new AbortController();
  const link = new Link({
    label: 'target',
    open: ({ signal }) => connect(chain, log, { signal: AbortSignal.any([shutdown.signal, signal]) }),
    log: (line) => log.push(line),
  });
  const pending = link.connect().catch((err: unknown) => err);
  await until(() => log.some((line) => line.includes('started (pid')));
  const pid = proxyPid(log);
  shutdown.abort();
  await link.close();
  expect(await pending).toMatchObject({ code: 'cancelled' });
  expect(alive(pid)).toBe(false);
});

test('a proxy whose path is refused exits before the handshake: the error names the command and its last line on stderr', async () => {
  const log: string[] = [];
  const command = sshW('127.0.0.1', 1);
  const error = await sshFailure(connect(await hopWithProxy('target', command), log));
  expect(error.code).toBe('unreachable');
  expect(error.message).toContain(`the ProxyCommand for target (${command}) exited with status 255 before the SSH handshake: `);
  expect(error.message).toMatch(/stdio forwarding failed|open failed/);
  expect(alive(proxyPid(log))).toBe(false);
});

test('a proxy command that is not installed is a config error (no retrying), naming the shell\'s complaint', async () => {
  const error = await sshFailure(connect(await hopWithProxy('target', 'hubtray-no-such-proxy --host %h'), []));
  expect(error.code, error.message).toBe('config');
  expect(error.message).toMatch(/ProxyCommand for target \(hubtray-no-such-proxy --host %h\) exited with status 127 before the SSH handshake: .*not found/);
});

test('a proxy that never speaks: the login deadline stops it, and the error says it got no handshake through it', async () => {
  const log: string[] = [];
  const error = await sshFailure(connect(await hopWithProxy('target', `sh -c 'echo "waiting for the bastion" >&2; exec sleep 300'`), log, { connectTimeoutMs: 1000 }));
  expect(error.code).toBe('unreachable');
  expect(error.message).toMatch(/^no SSH handshake with 127\.0\.0\.1:\d+ through its ProxyCommand within 1 s; the ProxyCommand for target .* said: waiting for the bastion$/);
  expect(alive(proxyPid(log))).toBe(false);
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!check()) throw new Error('timed out');
}
