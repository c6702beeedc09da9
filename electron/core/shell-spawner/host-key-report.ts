// The host-key line of "Test connection" for a system reached over SSH: which key of the target is on record in the
// known_hosts files its ssh config names, and whether this login checked it against the record or recorded it now
// (accept-new, see ssh/known-hosts.ts). The login itself checks the key; this only reads the files before and after.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fingerprint, KnownHosts, knownHostsName } from '../ssh/known-hosts.js';
import { resolveChain } from '../ssh/ssh-config.js';
import type { SshTarget } from '../ssh/ssh-target.js';

interface Recorded {
  file: string;
  keyType: string;
  fingerprint: string;
}

/** The ssh config the Hub's pool reads (SshPool's own default). */
function defaultConfigPath(): string {
  return process.env.HUBTRAY_SSH_CONFIG ?? path.join(os.homedir(), '.ssh', 'config');
}

/** Call before the login; the function it returns, after it, says what happened to the host key. */
export async function hostKeyReport(target: SshTarget, configPath = defaultConfigPath()): Promise<() => Promise<string[]>> {
  const hop = await resolveChain(target, configPath)
    .then((chain) => chain.at(-1))
    .catch(() => undefined);
  if (!hop) return async () => [];
  const files = [...hop.userKnownHostsFiles, ...hop.globalKnownHostsFiles];
  const name = knownHostsName(hop.hostname, hop.port);
  const before = await recorded(files, hop.hostname, hop.port);
  return async () => {
    const after = await recorded(files, hop.hostname, hop.port);
    const isNew = after.filter((a) => !before.some((b) => b.fingerprint === a.fingerprint && b.file === a.file));
    const describe = (r: Recorded) => `${r.keyType} ${r.fingerprint} in ${r.file}`;
    if (isNew.length > 0) return [`Host key: first login to ${name}: recorded ${isNew.map(describe).join(', ')}`];
    if (before.length > 0) return [`Host key: on record for ${name} (checked at login): ${before.map(describe).join(', ')}`];
    return [`Host key: accepted for ${name} but not recorded (no writable known_hosts among ${files.join(', ') || 'none'})`];
  };
}

/** The keys on record for host:port, file by file; matching (hashed names, patterns) is KnownHosts' own. */
async function recorded(files: string[], host: string, port: number): Promise<Recorded[]> {
  const out: Recorded[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text === '') continue;
    const known = await KnownHosts.load({ user: [file], global: [], hash: false });
    for (const raw of text.split(/\r?\n/)) {
      const fields = raw.trim().split(/\s+/);
      if (!fields[0] || fields[0].startsWith('#') || fields[0].startsWith('@')) continue;
      const [, keyType, base64] = fields;
      if (!keyType || !base64) continue;
      const key = Buffer.from(base64, 'base64');
      const print = fingerprint(key);
      if (known.check(host, port, key).status === 'known' && !out.some((r) => r.file === file && r.fingerprint === print)) {
        out.push({ file, keyType, fingerprint: print });
      }
    }
  }
  return out;
}
