// A site that wants a key and then a second factor (AuthenticationMethods publickey,keyboard-interactive, the shape
// of an OTP through PAM), against a real sshd whose PAM asks the factor: when the person gets the factor wrong three
// times, the error says that the key was accepted and the factor refused three times, naming what the server asked.
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { startSshd, ssh2Target as sshTarget, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { sshFailure } from './direct-connection.js';
import { answer } from './doubles.js';
import { closeTestPools, testPool } from './test-pool.js';

const user = 'hubtray-ssh2nd';
let sshd: Sshd;
let config: ClientConfig;

beforeAll(async () => {
  sshd = await startSshd({ keyboardInteractive: true, authenticationMethods: 'publickey,keyboard-interactive', users: [{ name: user, password: 'the-factor-1' }] });
  config = await writeClientConfig([{ alias: 'two-factors', sshd, user }], { trust: true });
});
afterEach(closeTestPools);
afterAll(async () => {
  await sshd?.stop();
  await config?.cleanup();
});

test('the key is accepted, then the second factor is refused three times: the error says exactly that', async () => {
  const { pool, prompter } = testPool(config, { script: [answer('000000'), answer('111111'), answer('222222')] });
  const error = await sshFailure(pool.exec(sshTarget('two-factors'), 'true'));
  expect(prompter.asked.map((p) => p.kind)).toEqual(['keyboard-interactive', 'keyboard-interactive', 'keyboard-interactive']);
  const question = prompter.asked[0]?.questions[0]?.text.trim();
  expect(error.message).toBe(
    `Permission denied for ${user}@127.0.0.1:${sshd.port}. The server accepted key ${sshd.clientKeyPath}, then refused keyboard-interactive ("${question}") 3 times. The server accepts: keyboard-interactive.`,
  );
  expect(await sshd.log()).toMatch(new RegExp(`Partial publickey for ${user}`));
});
