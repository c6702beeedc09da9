// Ciphers from the ssh config, against a real sshd that offers one cipher only (aes128-cbc, which ssh2 supports but
// does not offer by default): hubtray logs in when the config names it in any of OpenSSH's forms, and fails with a
// config error (one that needs the user, so a link does not retry it) when the config leaves it out.
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { SshError } from '../../electron/core/ssh/ssh-error.js';
import { negotiated, startSshd, ssh2Target as sshTarget, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { closeTestPools, testPool } from './test-pool.js';

const onlyCipher = 'aes128-cbc';
let sshd: Sshd;
let config: ClientConfig;

beforeAll(async () => {
  sshd = await startSshd({ ciphers: onlyCipher, logLevel: 'DEBUG1' });
  config = await writeClientConfig(
    [
      { alias: 'named', sshd, extra: [`Ciphers ${onlyCipher}`] },
      { alias: 'appended', sshd, extra: [`Ciphers +${onlyCipher}`] },
      { alias: 'first', sshd, extra: [`Ciphers ^${onlyCipher},aes256-ctr`] },
      { alias: 'other', sshd, extra: ['Ciphers aes256-ctr,aes128-gcm@openssh.com'] },
      { alias: 'removed', sshd, extra: [`Ciphers -aes*-cbc`] },
      { alias: 'unset', sshd },
    ],
    { trust: true },
  );
});
afterEach(closeTestPools);
afterAll(async () => {
  await sshd?.stop();
  await config?.cleanup();
});

const agreed = async () => (await negotiated(sshd)).map((kex) => kex.cipher);

test.each(['named', 'appended', 'first'])('Ciphers that name the server\'s only cipher (%s): hubtray logs in with it', async (alias) => {
  const before = (await agreed()).length;
  expect((await testPool(config).pool.exec(sshTarget(alias), 'echo in')).stdout).toBe('in\n');
  expect((await agreed()).slice(before)).toEqual([onlyCipher]);
});

test.each([
  ['other', /127\.0\.0\.1:\d+ accepts none of the ciphers that Ciphers for other in the ssh config leaves .*no matching .*cipher.*set Ciphers for other/],
  ['removed', /accepts none of the ciphers that Ciphers for removed in the ssh config leaves/],
  ['unset', /accepts none of ssh2's default ciphers .*set Ciphers for unset in the ssh config/],
])('Ciphers that leave the server\'s only cipher out (%s): a config error naming the host', async (alias, message) => {
  const error = await testPool(config).pool.exec(sshTarget(alias), 'true').catch((err: unknown) => err);
  expect(error).toBeInstanceOf(SshError);
  expect(error).toMatchObject({ code: 'config', needsUser: true, message: expect.stringMatching(message) });
});
