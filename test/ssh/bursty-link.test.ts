// A link that delivers in bursts (a mobile link, a congested jump host, a loaded machine): the exec's answer, the
// command's output, its exit status and the channel's close arrive in one read. Every command still gets its status.
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { packagePath } from '../../electron/core/boundary/package-root.js';
import { startSshd, sshTarget, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { closeTestPools, testPool } from './test-pool.js';

let sshd: Sshd;
let client: ClientConfig;

beforeAll(async () => {
  sshd = await startSshd();
  const proxy = packagePath('testkit', 'bursty-link.mjs');
  client = await writeClientConfig([{ alias: 'bursty', sshd, extra: [`ProxyCommand ${process.execPath} ${proxy} %h %p 400`] }], { trust: true });
});
afterEach(closeTestPools);
afterAll(async () => {
  await sshd?.stop();
  await client?.cleanup();
});

test('commands over a link that delivers in bursts each return their own exit status and output', async () => {
  const { pool } = testPool(client);
  const target = sshTarget('bursty', { connectTimeoutSeconds: 20 });
  for (const code of [0, 3, 0, 7, 1]) {
    await expect(pool.exec(target, `echo ran-${code}; exit ${code}`)).resolves.toMatchObject({ code, stdout: `ran-${code}\n` });
  }
  // Several at once: their answers share bursts too.
  const codes = [11, 12, 13, 14];
  const results = await Promise.all(codes.map((code) => pool.exec(target, `exit ${code}`)));
  expect(results.map((result) => result.code)).toEqual(codes);
});
