// A PKCS#11 token of the test's own: SoftHSM's (Debian's softhsm2) in a temp folder named by SOFTHSM2_CONF, with one
// EC key pair made inside it (pkcs11-tool --keypairgen), as a smart card or a site's HSM-backed key holds one: the
// private half never leaves the token, and signing needs the token's PIN.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's path of SoftHSM's PKCS#11 library, as a user's PKCS11Provider names it. */
export const softhsmModule = '/usr/lib/softhsm/libsofthsm2.so';
const tools = [softhsmModule, '/usr/bin/softhsm2-util', '/usr/bin/pkcs11-tool'];

export function softhsmMissing(): string | undefined {
  const missing = tools.filter((tool) => !existsSync(tool));
  return missing.length > 0 ? `needs softhsm2 and opensc (${missing.join(', ')}): run build/test-deps.sh` : undefined;
}

export interface Token {
  /** SOFTHSM2_CONF, for every process that opens the token (the ssh the pool starts among them). */
  readonly env: { SOFTHSM2_CONF: string };
  /** The key pair's public half as an authorized_keys line, from the token itself (ssh-keygen -D). */
  readonly publicKey: string;
  stop(): Promise<void>;
}

/** A fresh token with the user PIN `pin`; its key's public half as OpenSSH reads it through the library. */
export async function createToken(pin: string): Promise<Token> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hubtray-softhsm-'));
  const tokens = path.join(dir, 'tokens');
  await mkdir(tokens, { mode: 0o700 });
  const conf = path.join(dir, 'softhsm2.conf');
  await writeFile(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const env = { SOFTHSM2_CONF: conf };
  const options = { env: { ...process.env, ...env }, timeout: 10_000 };
  try {
    // The test's own throwaway PIN on these tools' command lines; hubtray's login must never put it in one.
    await run('softhsm2-util', ['--init-token', '--free', '--label', 'hubtray-test', '--pin', pin, '--so-pin', `so-${pin}`], options);
    const token = ['--module', softhsmModule, '--token-label', 'hubtray-test'];
    await run('pkcs11-tool', [...token, '--login', '--pin', pin, '--keypairgen', '--key-type', 'EC:prime256v1', '--id', '01', '--label', 'hubtray-key'], options);
    const { stdout } = await run('ssh-keygen', ['-D', softhsmModule], options);
    const publicKey = stdout.trim().split('\n')[0] ?? '';
    if (!publicKey.startsWith('ecdsa-sha2-nistp256 ')) throw new Error(`ssh-keygen -D did not list the token's key: ${stdout.slice(0, 200)}`);
    return { env, publicKey, stop: () => rm(dir, { recursive: true, force: true }) };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
