// ProxyJump chains through real sshd instances: every hop is checked and logged in to on its own, and the loss of
// any hop tears the whole chain down so that the next use rebuilds it.
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { SshError } from '../../electron/core/ssh/ssh-pool.js';
import { overOpenSsh, startSshd, sshTarget, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { closeTestPools, testPool } from './test-pool.js';

let jump: Sshd;
let target: Sshd;
let config: ClientConfig;
const newPool = () => testPool(config).pool;

const count = async (server: Sshd, text: string) => (await server.log()).split(text).length - 1;

/**
 * Up to 20 s: over OpenSSH the end travels through three processes (the target's session, the jump host's `ssh -W`
 * helper, the master), each noticing its peer's end in turn, which took over 5 s on a loaded CI machine.
 */
async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  [jump, target] = await Promise.all([startSshd({ logLevel: 'DEBUG1' }), startSshd()]);
  config = await writeClientConfig([
    { alias: 'jump', sshd: jump },
    { alias: 'jump-again', sshd: jump },
    { alias: 'inner', sshd: target, extra: ['ProxyJump jump'] },
    { alias: 'inner-two-hops', sshd: target, extra: ['ProxyJump jump,jump-again'] },
  ]);
});
afterEach(closeTestPools);
afterAll(async () => {
  await Promise.all([jump?.stop(), target?.stop()]);
  await config?.cleanup();
});

test('a command runs on the target through the jump host, and each hop host key is recorded', async () => {
  const result = await newPool().exec(sshTarget('inner'), 'echo "$SSH_CONNECTION"');
  // The target sees the connection coming from the jump host's forward, not from us directly.
  expect(result.stdout).toMatch(new RegExp(` 127\\.0\\.0\\.1 ${target.port}\\n$`));
  expect(await jump.log()).toMatch(new RegExp(`server_request_direct_tcpip: .*target 127\\.0\\.0\\.1 port ${target.port}`));
  const knownHosts = await readFile(config.knownHostsPath, 'utf8');
  expect(knownHosts).toContain(jump.knownHostsLine);
  expect(knownHosts).toContain(target.knownHostsLine);
});

test('several hops: jump, jump again through the first, then the target', async () => {
  const forwardsBefore = await count(jump, 'server_request_direct_tcpip');
  expect((await newPool().exec(sshTarget('inner-two-hops'), 'id -un')).stdout).toBe('root\n');
  const log = (await jump.log()).split('\n').filter((line) => line.includes('server_request_direct_tcpip'));
  expect(log.length - forwardsBefore).toBe(2);
  expect(log.at(-2)).toContain(`target 127.0.0.1 port ${jump.port}`);
  expect(log.at(-1)).toContain(`target 127.0.0.1 port ${target.port}`);
});

test('when the target hop dies the jump connection is ended too, and the next use rebuilds the chain', async () => {
  const pool = newPool();
  await pool.exec(sshTarget('inner'), 'true');
  // hubtray's client says goodbye ("Disconnected from user root"); OpenSSH's `ssh -W` helper is stopped with its
  // master, so the jump host's sshd sees the connection closed instead. Either is the jump connection's end.
  const jumpEnds = async () => (await count(jump, 'Disconnected from user root')) + (await count(jump, 'Connection closed by 127.0.0.1 port'));
  const endedBefore = await jumpEnds();
  const targetLogins = await count(target, 'Accepted publickey');
  await target.restart();
  await waitFor(async () => (await jumpEnds()) > endedBefore, 'the jump connection to end');
  expect((await pool.exec(sshTarget('inner'), 'echo again')).stdout).toBe('again\n');
  expect(await count(target, 'Accepted publickey')).toBe(targetLogins + 1);
});

// OpenSSH's words for it are its own (login-failure.ts).
test.skipIf(overOpenSsh)('a jump host that does not forward gives a clear SshError', async () => {
  const closedJump = await startSshd({ allowTcpForwarding: false });
  const closedConfig = await writeClientConfig([
    { alias: 'closed-jump', sshd: closedJump },
    { alias: 'behind-closed', sshd: target, extra: ['ProxyJump closed-jump'] },
  ]);
  try {
    const { pool } = testPool(closedConfig);
    const error = await pool.exec(sshTarget('behind-closed'), 'true').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SshError);
    expect(error).toMatchObject({
      code: 'channel',
      message: `root@127.0.0.1:${closedJump.port} refuses to forward connections to 127.0.0.1:${target.port} (is AllowTcpForwarding off there?)`,
    });
  } finally {
    await closedJump.stop();
    await closedConfig.cleanup();
  }
});

test('when the jump host dies, the next use rebuilds the chain through it', async () => {
  const pool = newPool();
  await pool.exec(sshTarget('inner'), 'true');
  const jumpLogins = await count(jump, 'Accepted publickey');
  await jump.restart();
  expect((await pool.exec(sshTarget('inner'), 'echo through')).stdout).toBe('through\n');
  expect(await count(jump, 'Accepted publickey')).toBe(jumpLogins + 1);
});
