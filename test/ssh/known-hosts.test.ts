// known_hosts reading and writing, cross-checked against OpenSSH's own ssh-keygen.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SshError } from '../../electron/core/ssh/ssh-error.js';
import { fingerprint, KnownHosts, verifyHostKey } from '../../electron/core/ssh/known-hosts.js';

const run = promisify(execFile);
let dir: string;
const keys: Record<string, { line: string; blob: Buffer; file: string }> = {};

async function newKey(name: string, type: 'ed25519' | 'ecdsa'): Promise<void> {
  const file = path.join(dir, name);
  await run('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', file]);
  const line = (await readFile(`${file}.pub`, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
  keys[name] = { line, blob: Buffer.from(line.split(' ')[1] ?? '', 'base64'), file };
}

function key(name: string) {
  const found = keys[name];
  if (!found) throw new Error(`no key ${name}`);
  return found;
}

async function knownHostsWith(lines: string[]): Promise<string> {
  const file = path.join(dir, `kh-${Math.random().toString(36).slice(2)}`);
  await writeFile(file, lines.map((l) => `${l}\n`).join(''));
  return file;
}

const load = (file: string, hash = false) => KnownHosts.load({ user: [file], global: [], hash });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hubtray-known-hosts-'));
  await Promise.all([newKey('a', 'ed25519'), newKey('b', 'ed25519'), newKey('c', 'ecdsa')]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('known_hosts', () => {
  test('fingerprints are printed as ssh-keygen -l prints them', async () => {
    const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${key('a').file}.pub`]);
    expect(stdout.split(' ')[1]).toBe(fingerprint(key('a').blob));
    expect(fingerprint(key('a').blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  test('plain names, [host]:port for other ports, comma lists, wildcards and negation', async () => {
    const file = await knownHostsWith([
      '# a comment',
      `alpha,beta ${key('a').line}`,
      `[gamma]:2222 ${key('a').line}`,
      `*.example.org,!bad.example.org ${key('a').line}`,
    ]);
    const known = await load(file);
    const status = (host: string, port: number) => known.check(host, port, key('a').blob).status;
    expect(status('alpha', 22)).toBe('known');
    expect(status('BETA', 22)).toBe('known');
    expect(status('gamma', 2222)).toBe('known');
    expect(status('gamma', 22)).toBe('new');
    expect(status('alpha', 2222)).toBe('new');
    expect(status('www.example.org', 22)).toBe('known');
    expect(status('bad.example.org', 22)).toBe('new');
  });

  test('hashed names (as ssh-keygen -H writes them) match', async () => {
    const file = await knownHostsWith([`[hashed.example]:2022 ${key('a').line}`, `plainport22 ${key('b').line}`]);
    await run('ssh-keygen', ['-H', '-f', file]);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('hashed.example');
    const known = await load(file);
    expect(known.check('hashed.example', 2022, key('a').blob).status).toBe('known');
    expect(known.check('plainport22', 22, key('b').blob).status).toBe('known');
    expect(known.check('hashed.example', 22, key('a').blob).status).toBe('new');
  });

  test('a different key of the same type is refused, naming the host, both fingerprints and the line to fix', async () => {
    const file = await knownHostsWith(['# first line', `[server]:2200 ${key('a').line}`]);
    const error = await verifyHostKey(await load(file), 'server', 2200, key('b').blob, () => {}).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SshError);
    expect((error as SshError).code).toBe('host-key-changed');
    const message = (error as SshError).message;
    expect(message).toContain('[server]:2200');
    expect(message).toContain(fingerprint(key('a').blob));
    expect(message).toContain(fingerprint(key('b').blob));
    expect(message).toContain(`${file}:2`);
    expect(message).toContain('ssh-keygen -R');
  });

  test('a key of another type counts as new, and the known type is preferred in the handshake', async () => {
    const file = await knownHostsWith([`server ${key('c').line}`]);
    const known = await load(file);
    expect(known.check('server', 22, key('a').blob).status).toBe('new');
    expect(known.knownKeyTypes('server', 22)).toEqual([key('c').line.split(' ')[0]]);
  });

  test('@revoked keys are refused; @cert-authority lines do not count as the host key', async () => {
    const file = await knownHostsWith([`@revoked * ${key('a').line}`, `@cert-authority server ${key('b').line}`]);
    const known = await load(file);
    expect(known.check('server', 22, key('a').blob).status).toBe('revoked');
    await expect(verifyHostKey(known, 'server', 22, key('a').blob, () => {})).rejects.toThrow(/@revoked/);
    expect(known.check('server', 22, key('c').blob).status).toBe('new');
  });

  test('a new host is recorded: the file and its folder are created private, and OpenSSH finds the entry', async () => {
    const file = path.join(dir, 'fresh', 'sub', 'known_hosts');
    const log: string[] = [];
    await verifyHostKey(await load(file), '127.0.0.1', 2345, key('a').blob, (line) => log.push(line));
    expect(await readFile(file, 'utf8')).toBe(`[127.0.0.1]:2345 ${key('a').line}\n`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expect(log.join('\n')).toContain(fingerprint(key('a').blob));
    await run('ssh-keygen', ['-F', '[127.0.0.1]:2345', '-f', file]);
    // known now, so nothing more is written
    await verifyHostKey(await load(file), '127.0.0.1', 2345, key('a').blob, () => {});
    expect((await readFile(file, 'utf8')).split('\n').filter(Boolean)).toHaveLength(1);
  });

  test('with HashKnownHosts the recorded name is hashed, and both hubtray and OpenSSH find it', async () => {
    const file = path.join(dir, 'kh-without-final-newline');
    await writeFile(file, `other-host ${key('a').line}`);
    await verifyHostKey(await load(file, true), 'secret-host', 22, key('b').blob, () => {});
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('secret-host');
    expect(text.split('\n')[1]).toMatch(/^\|1\|/);
    expect((await load(file)).check('secret-host', 22, key('b').blob).status).toBe('known');
    await run('ssh-keygen', ['-F', 'secret-host', '-f', file]);
  });
});
