// known_hosts checking with OpenSSH's accept-new policy: a host seen for the first time is recorded, a known host
// must present the key on record. Reads OpenSSH's file format (plain and hashed names, [host]:port, patterns,
// markers) so that hubtray and the ssh command agree about every host.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { SshError } from './ssh-error.js';

interface Entry {
  file: string;
  line: number;
  marker?: string;
  patterns: string;
  keyType: string;
  key: Buffer;
}

export type HostKeyCheck =
  | { status: 'known' }
  | { status: 'new' }
  | { status: 'changed'; entry: Entry }
  | { status: 'revoked'; entry: Entry };

/** `SHA256:<base64 without padding>`, as `ssh-keygen -l` prints it. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type is the first string inside the SSH wire-format key blob. */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const length = key.readUInt32BE(0);
  return key.subarray(4, 4 + length).toString('latin1');
}

/** How OpenSSH names a host in known_hosts: the bare name on port 22, `[name]:port` elsewhere. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host.toLowerCase() : `[${host.toLowerCase()}]:${port}`;
}

export class KnownHosts {
  private constructor(
    private readonly entries: Entry[],
    private readonly writeFile: string | undefined,
    private readonly hash: boolean,
  ) {}

  static async load(files: { user: string[]; global: string[]; hash: boolean }): Promise<KnownHosts> {
    const all = [...files.user, ...files.global];
    const entries = (await Promise.all(all.map(readEntries))).flat();
    return new KnownHosts(entries, files.user[0], files.hash);
  }

  /**
   * Key types on record for the host, so the handshake can ask for one of those first: otherwise a server that
   * also has a key of another type could present that one, and it would count as new.
   */
  knownKeyTypes(host: string, port: number): string[] {
    const name = knownHostsName(host, port);
    return [...new Set(this.entries.filter((e) => !e.marker && matchesHost(e.patterns, name)).map((e) => e.keyType))];
  }

  check(host: string, port: number, key: Buffer): HostKeyCheck {
    const name = knownHostsName(host, port);
    const type = keyTypeOf(key);
    const matching = this.entries.filter((e) => matchesHost(e.patterns, name));
    const revoked = matching.find((e) => e.marker === '@revoked' && e.key.equals(key));
    if (revoked) return { status: 'revoked', entry: revoked };
    const plain = matching.filter((e) => !e.marker);
    if (plain.some((e) => e.keyType === type && e.key.equals(key))) return { status: 'known' };
    const other = plain.find((e) => e.keyType === type);
    return other ? { status: 'changed', entry: other } : { status: 'new' };
  }

  /** Records a newly seen host key; returns the file written, or undefined when no UserKnownHostsFile is set. */
  async add(host: string, port: number, key: Buffer): Promise<string | undefined> {
    const file = this.writeFile;
    if (!file) return undefined;
    const name = knownHostsName(host, port);
    const hostField = this.hash ? hashedName(name) : name;
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const existing = await readFile(file, 'utf8').catch(() => '');
    const separator = existing.length > 0 && !existing.endsWith('\n') ? '\n' : '';
    await appendFile(file, `${separator}${hostField} ${keyTypeOf(key)} ${key.toString('base64')}\n`, { mode: 0o600 });
    return file;
  }
}

/** Turns a check into the decision for ssh2's hostVerifier: records new keys, refuses changed or revoked ones. */
export async function verifyHostKey(
  knownHosts: KnownHosts,
  host: string,
  port: number,
  key: Buffer,
  log: (line: string) => void,
): Promise<void> {
  const result = knownHosts.check(host, port, key);
  const name = knownHostsName(host, port);
  switch (result.status) {
    case 'known':
      return;
    case 'new': {
      const accepted = `ssh: new host ${name}: accepted ${keyTypeOf(key)} key ${fingerprint(key)}`;
      // As OpenSSH does: a known_hosts file that cannot be written costs the memory of the key, not the connection.
      const file = await knownHosts.add(host, port, key).catch((err: unknown) => {
        log(`${accepted}, but could not record it: ${err instanceof Error ? err.message : String(err)}`);
        return null;
      });
      if (file !== null) log(`${accepted}${file ? `, recorded in ${file}` : ''}`);
      return;
    }
    case 'revoked':
      throw new SshError(
        'host-key-changed',
        `The host key ${fingerprint(key)} presented by ${name} is marked @revoked at ${result.entry.file}:${result.entry.line}. ` +
          'Refusing to connect.',
      );
    case 'changed': {
      const { entry } = result;
      throw new SshError(
        'host-key-changed',
        `The ${entry.keyType} host key of ${name} has changed: ${entry.file}:${entry.line} expects ${fingerprint(entry.key)}, ` +
          `but the server presented ${fingerprint(key)}. Someone could be intercepting the connection, or the host ` +
          `was reinstalled. If you know the change is legitimate, remove line ${entry.line} of ${entry.file} ` +
          `(e.g. ssh-keygen -R "${name}" -f "${entry.file}") and connect again.`,
      );
    }
  }
}

async function readEntries(file: string): Promise<Entry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  const entries: Entry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (!fields[0] || fields[0].startsWith('#')) return;
    const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
    const [patterns, keyType, base64] = fields;
    if (!patterns || !keyType || !base64) return;
    entries.push({ file, line: index + 1, marker, patterns, keyType, key: Buffer.from(base64, 'base64') });
  });
  return entries;
}

function matchesHost(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) return hashedMatches(patterns, name);
  let matched = false;
  for (const pattern of patterns.split(',')) {
    const negated = pattern.startsWith('!');
    if (globMatches(negated ? pattern.slice(1) : pattern, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function globMatches(pattern: string, name: string): boolean {
  const re = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${re}$`).test(name);
}

/** `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`, as HashKnownHosts writes. */
function hashedMatches(field: string, name: string): boolean {
  const [, , salt, hash] = field.split('|');
  if (!salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

function hashedName(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}
