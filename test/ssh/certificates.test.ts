// OpenSSH user certificates, as sites with an SSH CA hand them out (Vault, step-ca, a zero-trust gateway): a real sshd
// that trusts only the CA (TrustedUserCAKeys) and has no authorized key at all. The certificate beside a key file
// (OpenSSH's KEY-cert.pub), one named by CertificateFile, and one that the user's ssh-agent holds (ssh-add of a key
// with its certificate beside it, the private key nowhere on disk) log in, for ed25519, RSA and ECDSA keys; without a
// usable certificate, "Permission denied" says what was tried.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { startSshAgent, type SshAgent } from '../../testkit/ssh-agent.js';
import { startSshd, ssh2Target as sshTarget, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { answer } from './doubles.js';
import { sshFailure } from './direct-connection.js';
import { closeTestPools, testPool } from './test-pool.js';

const exec = promisify(execFile);
const passphrase = 'cert key passphrase';
const agentKeys = [
  ['agent_ed25519', 'ed25519'],
  ['agent_rsa', 'rsa'],
  ['agent_ecdsa', 'ecdsa'],
] as const;

let dir: string;
let sshd: Sshd;
let config: ClientConfig;
let agent: SshAgent;
const key = (name: string) => path.join(dir, name);

async function keygen(name: string, type: 'ed25519' | 'rsa' | 'ecdsa', secret = ''): Promise<void> {
  await exec('ssh-keygen', ['-q', '-t', type, '-N', secret, '-C', name, '-f', key(name)]);
}

/** Signs `name`.pub with the CA for `principal`; ssh-keygen writes NAME-cert.pub beside it, moved to `to` if given. */
async function sign(name: string, principal: string, to?: string): Promise<void> {
  await exec('ssh-keygen', ['-q', '-s', key('ca'), '-I', `hubtray-test-${name}`, '-n', principal, '-V', '-5m:+1h', `${key(name)}.pub`]);
  if (to) await exec('mv', [`${key(name)}-cert.pub`, to]);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hubtray-ssh-certs-'));
  await mkdir(key('issued'));
  await keygen('ca', 'ed25519');
  await Promise.all([
    keygen('ed25519_key', 'ed25519'),
    keygen('rsa_key', 'rsa'),
    keygen('ecdsa_key', 'ecdsa'),
    keygen('encrypted_key', 'ed25519', passphrase),
    keygen('plain_key', 'ed25519'),
    keygen('alice_key', 'ed25519'),
    ...agentKeys.map(([name, type]) => keygen(name, type)),
  ]);
  await sign('ed25519_key', 'root');
  await sign('rsa_key', 'root', key('issued/rsa.cert'));
  await sign('ecdsa_key', 'root');
  await sign('encrypted_key', 'root');
  await sign('alice_key', 'alice');
  agent = await startSshAgent(dir);
  for (const [name] of agentKeys) {
    await sign(name, 'root');
    await agent.add(key(name));
    // The agent alone can sign: only the public half and the certificate stay on disk.
    await unlink(key(name));
  }
  sshd = await startSshd({ trustedUserCAKeys: `${key('ca')}.pub`, users: [{ name: 'root', authorizedKeys: [] }] });
  config = await writeClientConfig(
    [
      ...['ed25519_key', 'ecdsa_key', 'encrypted_key', 'plain_key', 'alice_key'].map((name) => ({ alias: name, sshd, identityFile: key(name) })),
      { alias: 'rsa_key', sshd, identityFile: key('rsa_key'), extra: [`CertificateFile ${key('issued/rsa.cert')}`] },
      { alias: 'missing_certificate', sshd, identityFile: key('alice_key'), extra: [`CertificateFile ${key('issued/missing-cert.pub')}`] },
      { alias: 'any_agent_identity', sshd, identityFile: key('no_such_key'), identitiesOnly: false },
      ...agentKeys.map(([name]) => ({ alias: name, sshd, identityFile: key(name) })),
    ],
    { trust: true },
  );
});
afterEach(closeTestPools);
afterAll(async () => {
  await agent?.stop();
  await sshd?.stop();
  await config?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const acceptedCertificates = async () => [...(await sshd.log()).matchAll(/Accepted publickey for root .*: (\S+-CERT) .* ID (\S+)/g)].map((m) => `${m[1]} ${m[2]}`);

test('a key with its KEY-cert.pub beside it, as OpenSSH finds it, logs in to a server that trusts only the CA', async () => {
  const { pool } = testPool(config);
  expect((await pool.exec(sshTarget('ed25519_key'), 'id -un')).stdout).toBe('root\n');
  expect(await acceptedCertificates()).toContain('ED25519-CERT hubtray-test-ed25519_key');
});

test('CertificateFile naming an RSA key\'s certificate kept elsewhere: offered as an rsa-sha2 certificate, and accepted', async () => {
  const { pool } = testPool(config);
  expect((await pool.exec(sshTarget('rsa_key'), 'id -un')).stdout).toBe('root\n');
  // OpenSSH 8.8 and later refuse ssh-rsa-cert-v01 (SHA-1) by default: accepted, it was an rsa-sha2 certificate type.
  expect(await acceptedCertificates()).toContain('RSA-CERT hubtray-test-rsa_key');
});

test('an ECDSA key\'s certificate (whose signature ssh2 must convert from DER) logs in', async () => {
  const { pool } = testPool(config);
  expect((await pool.exec(sshTarget('ecdsa_key'), 'true')).code).toBe(0);
  expect(await acceptedCertificates()).toContain('ECDSA-CERT hubtray-test-ecdsa_key');
});

test('an encrypted key with a certificate: the passphrase is asked once, for the certificate and the key alike', async () => {
  const { pool, prompter } = testPool(config, { script: [answer(passphrase)] });
  expect((await pool.exec(sshTarget('encrypted_key'), 'true')).code).toBe(0);
  expect(prompter.asked.map((p) => p.kind)).toEqual(['passphrase']);
});

test('a key with no certificate, on a server that only trusts the CA: "Permission denied" says the key was tried', async () => {
  const { pool } = testPool(config);
  const error = await sshFailure(pool.exec(sshTarget('plain_key'), 'true'));
  expect(error.code).toBe('auth');
  expect(error.message).toBe(`Permission denied for root@127.0.0.1:${sshd.port}. Tried: key ${key('plain_key')}. The server accepts: publickey.`);
});

test('a certificate issued for another user: both it and the key were tried and refused, and the message names both', async () => {
  const { pool } = testPool(config);
  const error = await sshFailure(pool.exec(sshTarget('alice_key'), 'true'));
  expect(error.message).toContain(`Tried: key ${key('alice_key')}, certificate ${key('alice_key')}-cert.pub (key ${key('alice_key')}).`);
});

test('a CertificateFile that is not there is named under "Skipped"; the key is still offered, and the KEY-cert.pub beside it is not (as in OpenSSH)', async () => {
  const { pool } = testPool(config);
  const missing = key('issued/missing-cert.pub');
  const error = await sshFailure(pool.exec(sshTarget('missing_certificate'), 'true'));
  expect(error.message).toContain(`Tried: key ${key('alice_key')}.`);
  expect(error.message).toContain(`Skipped: certificate ${missing}: no such file.`);
});

test('ssh-agent holding a key and its certificate: the agent\'s certificate is offered after its plain key, and accepted', async () => {
  const { pool } = testPool(config, { agentSocket: agent.socket });
  expect((await pool.exec(sshTarget('any_agent_identity'), 'id -un')).stdout).toBe('root\n');
  expect(await acceptedCertificates()).toContain('ED25519-CERT hubtray-test-agent_ed25519');
});

test('IdentitiesOnly with a key whose private half only the agent holds: the agent signs for the RSA and ECDSA certificates beside it', async () => {
  const { pool } = testPool(config, { agentSocket: agent.socket });
  expect((await pool.exec(sshTarget('agent_rsa'), 'true')).code).toBe(0);
  expect((await pool.exec(sshTarget('agent_ecdsa'), 'true')).code).toBe(0);
  // RSA: signed by the agent with rsa-sha2 (OpenSSH refuses ssh-rsa-cert-v01 by default), so accepted at all.
  expect(await acceptedCertificates()).toEqual(expect.arrayContaining(['RSA-CERT hubtray-test-agent_rsa', 'ECDSA-CERT hubtray-test-agent_ecdsa']));
});
