// Authentication against real sshd: ssh-agent, encrypted keys, passwords and keyboard-interactive (PAM), with
// the keychain stand-in and a scripted person answering prompts.
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { PromptTimeoutError } from '../../electron/core/prompts/prompter.js';
import { secretKeys } from '../../electron/core/secrets/secret-store.js';
import { SshError } from '../../electron/core/ssh/ssh-error.js';
import { startSshAgent, type SshAgent } from '../../testkit/ssh-agent.js';
import { startSshd, ssh2Target as sshTarget, writeClientConfig, type ClientConfig, type ClientHost, type Sshd } from '../../testkit/sshd.js';
import { answer, InMemorySecretStoreForTests } from './doubles.js';
import { closeTestPools, testPool, type TestPoolOptions } from './test-pool.js';

const run = promisify(execFile);
// Secrets full of shell and quoting characters, which must never show up in a message or a log line.
const passphrase = `pass "phrase" 'with' $(touch /tmp/hubtray-never) \\ ;`;
const password = `pw 'x' "y" $(id) \`id\` ; 1`;
const kbdPassword = 'kbd-Pa55word!';

let dir: string;
let encryptedKey: string;
const logLines: string[] = [];
const errorMessages: string[] = [];

const newPool = (config: ClientConfig, options: TestPoolOptions = {}) => testPool(config, { log: (line) => logLines.push(line), ...options });

async function failure(work: Promise<unknown>): Promise<SshError> {
  const error = await work.then(
    () => new Error('expected a failure'),
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SshError);
  errorMessages.push((error as SshError).message);
  return error as SshError;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hubtray-ssh-auth-'));
  encryptedKey = path.join(dir, 'encrypted_key');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'encrypted', '-f', encryptedKey]);
});
afterEach(closeTestPools);
afterAll(async () => {
  const everything = [...logLines, ...errorMessages].join('\n');
  for (const secret of [passphrase, password, kbdPassword]) expect(everything).not.toContain(secret);
  await rm(dir, { recursive: true, force: true });
});

describe('keys and passwords (UsePAM no)', () => {
  let sshd: Sshd;
  let config: ClientConfig;
  const pwUser = 'hubtray-sshpw';

  beforeAll(async () => {
    const encryptedPub = await readFile(`${encryptedKey}.pub`, 'utf8');
    sshd = await startSshd({
      passwordAuthentication: true,
      users: [
        { name: 'root', authorizedKeys: [encryptedPub] },
        { name: pwUser, password, authorizedKeys: [] },
      ],
    });
    const hosts: ClientHost[] = [
      { alias: 'enc', sshd, identityFile: encryptedKey },
      { alias: 'pw', sshd, user: pwUser },
    ];
    config = await writeClientConfig(hosts, { trust: true });
  });
  afterAll(async () => {
    await sshd?.stop();
    await config?.cleanup();
  });

  test('an encrypted key: a wrong passphrase asks again; "remember" stores it; the next pool uses it without asking', async () => {
    const secrets = new InMemorySecretStoreForTests();
    const first = newPool(config, { secrets, script: [answer('wrong'), answer(passphrase, true)] });
    expect((await first.pool.exec(sshTarget('enc'), 'id -un')).stdout).toBe('root\n');
    expect(first.prompter.asked.map((p) => p.kind)).toEqual(['passphrase', 'passphrase']);
    expect(first.prompter.asked[0]).toMatchObject({ canRemember: true, questions: [{ echo: false }] });
    expect(first.prompter.asked[0]?.title).toContain(encryptedKey);
    expect(first.prompter.asked[1]?.instructions).toMatch(/wrong/i);
    expect(secrets.values.get(secretKeys.sshPassphrase(encryptedKey))).toBe(passphrase);

    const second = newPool(config, { secrets });
    expect((await second.pool.exec(sshTarget('enc'), 'true')).code).toBe(0);
    expect(second.prompter.asked).toEqual([]);
  });

  test('without "remember" nothing is stored; a stored passphrase that no longer works is forgotten', async () => {
    const secrets = new InMemorySecretStoreForTests();
    await secrets.set(secretKeys.sshPassphrase(encryptedKey), 'outdated');
    const { pool, prompter } = newPool(config, { secrets, script: [answer(passphrase, false)] });
    expect((await pool.exec(sshTarget('enc'), 'true')).code).toBe(0);
    expect(prompter.asked).toHaveLength(1);
    expect(secrets.deleted).toEqual([secretKeys.sshPassphrase(encryptedKey)]);
    expect(secrets.values.size).toBe(0);
  });

  test('three wrong passphrases skip the key, and the final SshError auth says so', async () => {
    const wrong = ['a', 'b', 'c'].map((text) => answer(text, true));
    // root has no password here: the server offers password auth anyway, and refuses every one.
    const { pool, prompter, secrets } = newPool(config, { script: [...wrong, ...wrong] });
    const error = await failure(pool.exec(sshTarget('enc'), 'true'));
    expect(error.code).toBe('auth');
    expect(error.message).toContain(`key ${encryptedKey}: wrong passphrase 3 times`);
    expect(prompter.asked.map((p) => p.kind)).toEqual(['passphrase', 'passphrase', 'passphrase', 'password', 'password', 'password']);
    expect(secrets.values.size).toBe(0);
  });

  test('a prompt nobody answers ends the login with SshError auth; closing the pool while asking gives cancelled', async () => {
    const timedOut = newPool(config, { script: [new PromptTimeoutError('Passphrase', 30)] });
    const error = await failure(timedOut.pool.exec(sshTarget('enc'), 'true'));
    expect(error.code).toBe('auth');
    expect(error.message).toMatch(/nobody answered "Passphrase" within 30 s/);

    const nobodyAnswers = (_request: unknown, signal?: AbortSignal) =>
      new Promise<never>((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason as Error)));
    const closing = newPool(config, { script: [nobodyAnswers] });
    const pending = closing.pool.exec(sshTarget('enc'), 'true');
    setTimeout(() => void closing.pool.close(), 300);
    expect((await failure(pending)).code).toBe('cancelled');
  });

  test('a password is asked for, remembered on request, and used by the next pool', async () => {
    const secrets = new InMemorySecretStoreForTests();
    const first = newPool(config, { secrets, script: [answer(password, true)] });
    expect((await first.pool.exec(sshTarget('pw'), 'id -un')).stdout).toBe(`${pwUser}\n`);
    expect(first.prompter.asked).toMatchObject([{ kind: 'password', canRemember: true, questions: [{ echo: false }] }]);
    const key = secretKeys.sshPassword(pwUser, '127.0.0.1', sshd.port);
    expect(secrets.values.get(key)).toBe(password);

    const second = newPool(config, { secrets });
    // The login is what is tested: under load the test sshd once closed a `true` command's channel without an exit
    // status (exec.ts now reports that as an error rather than as a command that ran).
    expect(await second.pool.remoteUser(sshTarget('pw'))).toBe(pwUser);
    expect(second.prompter.asked).toEqual([]);
  });

  test('a person may take longer than connectTimeoutSeconds to answer: the login deadline waits for them', async () => {
    const slowAnswer = async () => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return answer(password);
    };
    const { pool, prompter } = newPool(config, { script: [slowAnswer] });
    expect(await pool.remoteUser(sshTarget('pw', { connectTimeoutSeconds: 1 }))).toBe(pwUser);
    expect(prompter.asked).toHaveLength(1);
  });

  test('a remembered password that is refused is forgotten and asked for again', async () => {
    const secrets = new InMemorySecretStoreForTests();
    const key = secretKeys.sshPassword(pwUser, '127.0.0.1', sshd.port);
    await secrets.set(key, 'stale password');
    const { pool, prompter } = newPool(config, { secrets, script: [answer(password, false)] });
    // The login itself is what is tested (a command's exit status once came back empty on a loaded CI machine).
    expect(await pool.remoteUser(sshTarget('pw'))).toBe(pwUser);
    expect(prompter.asked).toHaveLength(1);
    expect(secrets.deleted).toEqual([key]);
    expect(secrets.values.has(key)).toBe(false);
  });

  test('wrong passwords are refused with a clear SshError auth after three tries', async () => {
    const { pool, prompter } = newPool(config, { script: [answer('nope1'), answer('nope2'), answer('nope3')] });
    const error = await failure(pool.exec(sshTarget('pw'), 'true'));
    expect(error.code).toBe('auth');
    expect(error.message).toContain(`Permission denied for ${pwUser}@127.0.0.1:${sshd.port}`);
    expect(error.message).toMatch(/Tried: .*password/);
    expect(prompter.asked.map((p) => p.instructions)).toEqual([
      expect.stringContaining('Log in to'),
      expect.stringMatching(/try again/),
      expect.stringMatching(/try again/),
    ]);
  });
});

describe('two required methods (AuthenticationMethods password,publickey)', () => {
  let sshd: Sshd;
  let config: ClientConfig;
  const user = 'hubtray-ssh2fa';

  beforeAll(async () => {
    sshd = await startSshd({ passwordAuthentication: true, authenticationMethods: 'password,publickey', users: [{ name: user, password }] });
    config = await writeClientConfig([{ alias: 'both', sshd, user }], { trust: true });
  });
  afterAll(async () => {
    await sshd?.stop();
    await config?.cleanup();
  });

  test('the key the server did not take at first is offered after the password succeeded partially', async () => {
    const { pool, prompter, secrets } = newPool(config, { script: [answer(password, true)] });
    expect((await pool.exec(sshTarget('both'), 'id -un')).stdout).toBe(`${user}\n`);
    expect(prompter.asked.map((p) => p.kind)).toEqual(['password']);
    expect(await sshd.log()).toMatch(new RegExp(`Accepted publickey for ${user}`));
    expect(secrets.values.get(secretKeys.sshPassword(user, '127.0.0.1', sshd.port))).toBe(password);
  });
});

describe('keyboard-interactive (PAM)', () => {
  let sshd: Sshd;
  let config: ClientConfig;
  const kbdUser = 'hubtray-sshkbd';

  beforeAll(async () => {
    sshd = await startSshd({ keyboardInteractive: true, users: [{ name: kbdUser, password: kbdPassword, authorizedKeys: [] }] });
    config = await writeClientConfig([{ alias: 'kbd', sshd, user: kbdUser }], { trust: true });
  });
  afterAll(async () => {
    await sshd?.stop();
    await config?.cleanup();
  });

  test('each server prompt round is asked; a wrong answer gets another round', async () => {
    const { pool, prompter } = newPool(config, { script: [answer('wrong'), answer(kbdPassword)] });
    expect((await pool.exec(sshTarget('kbd'), 'id -un')).stdout).toBe(`${kbdUser}\n`);
    expect(prompter.asked).toHaveLength(2);
    expect(prompter.asked[0]).toMatchObject({
      kind: 'keyboard-interactive',
      canRemember: false,
      questions: [{ text: expect.stringMatching(/password/i), echo: false }],
    });
  });
});

describe('ssh-agent', () => {
  let sshd: Sshd;
  let agent: SshAgent;
  let socket: string;
  let config: ClientConfig;

  beforeAll(async () => {
    sshd = await startSshd();
    agent = await startSshAgent(dir);
    socket = agent.socket;
    await agent.add(sshd.clientKeyPath);
    // Only the public half on disk: the agent holds the private key, as with a hardware or unlocked key.
    const publicOnly = path.join(dir, 'agent_only_key');
    await copyFile(`${sshd.clientKeyPath}.pub`, `${publicOnly}.pub`);
    config = await writeClientConfig(
      [
        { alias: 'via-agent', sshd, identityFile: path.join(dir, 'missing_key'), identitiesOnly: false },
        { alias: 'agent-only-key', sshd, identityFile: publicOnly },
        { alias: 'identities-only', sshd, identityFile: `${sshd.dir}/ssh_host_ed25519_key` },
      ],
      { trust: true },
    );
  });
  afterAll(async () => {
    await agent?.stop();
    await sshd?.stop();
    await config?.cleanup();
  });

  test('the agent logs in without any key file', async () => {
    const { pool } = newPool(config, { agentSocket: socket });
    expect((await pool.exec(sshTarget('via-agent'), 'id -un')).stdout).toBe('root\n');
  });

  test('IdentitiesOnly lets the agent sign only with the configured identities', async () => {
    const logins = async () => (await sshd.log()).split('Accepted publickey').length;
    const before = await logins();
    const { pool } = newPool(config, { agentSocket: socket });
    expect((await pool.exec(sshTarget('agent-only-key'), 'true')).code).toBe(0);
    expect(await logins()).toBe(before + 1);
    // The agent holds the accepted key, but the configured identity is another one: as with OpenSSH, no login.
    const refused = newPool(config, { agentSocket: socket });
    expect((await failure(refused.pool.exec(sshTarget('identities-only'), 'true'))).code).toBe('auth');
    expect(await logins()).toBe(before + 1);
  });
});
