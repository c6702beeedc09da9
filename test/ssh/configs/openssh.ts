// OpenSSH's own reading of a config, as the oracle the ssh config tests compare hubtray with: `ssh -G -F CONFIG HOST`
// in a home of the test's. OpenSSH takes `~` and %d from the passwd entry, not $HOME (and Include's globs from
// $HOME), so ssh runs under nss_wrapper with a passwd that gives this user the test's home. (A private mount
// namespace binding a copy over /etc/passwd lost its mount whenever a parallel test's useradd renamed a new
// /etc/passwd into place: the kernel detaches mounts on a dentry renamed over in any namespace.)
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const corpus = path.dirname(new URL(import.meta.url).pathname);

export interface OracleHome {
  home: string;
  env: NodeJS.ProcessEnv;
  cleanup: () => Promise<void>;
}

/** A home whose ~/.ssh holds the corpus's dot-ssh files, and a passwd that names it. */
export async function oracleHome(): Promise<OracleHome> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hubtray-ssh-oracle-'));
  const home = path.join(dir, 'home');
  await mkdir(home);
  await cp(path.join(corpus, 'dot-ssh'), path.join(home, '.ssh'), { recursive: true });
  const uid = String(os.userInfo().uid);
  const passwd = (await readFile('/etc/passwd', 'utf8'))
    .split('\n')
    .map((line) => {
      const fields = line.split(':');
      if (fields[2] !== uid) return line;
      fields[5] = home;
      return fields.join(':');
    })
    .join('\n');
  await writeFile(path.join(dir, 'passwd'), passwd);
  await writeFile(path.join(dir, 'group'), await readFile('/etc/group', 'utf8'));
  const env = {
    ...process.env,
    HOME: home,
    SHELL: '/bin/sh',
    LD_PRELOAD: await nssWrapper(),
    NSS_WRAPPER_PASSWD: path.join(dir, 'passwd'),
    NSS_WRAPPER_GROUP: path.join(dir, 'group'),
  };
  const oracle = { home, env, cleanup: () => rm(dir, { recursive: true, force: true }) };
  const empty = await sshG(oracle, '/dev/null', 'nowhere');
  const knownHosts = empty.ok ? one(empty.dump, 'userknownhostsfile') : empty.stderr;
  if (!knownHosts?.startsWith(home)) throw new Error(`ssh -G does not see the test's home under nss_wrapper: ${knownHosts}`);
  return oracle;
}

/** Debian's libnss-wrapper (build/test-deps.sh installs it), in whichever multiarch folder this machine has. */
async function nssWrapper(): Promise<string> {
  for (const dir of await readdir('/usr/lib').catch(() => [])) {
    const file = path.join('/usr/lib', dir, 'libnss_wrapper.so');
    if (await access(file).then(() => true, () => false)) return file;
  }
  throw new Error('libnss_wrapper.so is not installed: run bash build/test-deps.sh (Debian package libnss-wrapper)');
}

export type Dump = Map<string, string[]>;

export type SshG = { ok: true; dump: Dump } | { ok: false; stderr: string };

/** `ssh -G` with only the options OpenSSH's own ProxyJump would pass (-l, -p, -J); at most 10 s. */
export async function sshG(home: OracleHome, config: string, host: string, args: string[] = []): Promise<SshG> {
  try {
    const { stdout } = await run('ssh', ['-G', '-F', config, ...args, host], { env: home.env, timeout: 10_000 });
    const dump: Dump = new Map();
    for (const line of stdout.split('\n')) {
      const space = line.indexOf(' ');
      if (space < 0) continue;
      const key = line.slice(0, space).toLowerCase();
      dump.set(key, [...(dump.get(key) ?? []), line.slice(space + 1)]);
    }
    return { ok: true, dump };
  } catch (err) {
    return { ok: false, stderr: (err as { stderr?: string }).stderr ?? String(err) };
  }
}

export function one(dump: Dump, key: string): string | undefined {
  return dump.get(key)?.[0];
}

/**
 * Expands a value `ssh -G` prints as written (IdentityFile, CertificateFile, ProxyCommand) the way ssh expands it
 * when it connects, from what the dump itself says, so that hubtray's expansion has something to be compared with.
 */
export function expandAsSsh(value: string, dump: Dump, hostArg: string, home: OracleHome, how: { env: boolean; tilde: boolean; tokens: string }): string {
  const l = os.hostname();
  const h = one(dump, 'hostname') ?? '';
  const p = one(dump, 'port') ?? '';
  const r = one(dump, 'user') ?? '';
  const all: Record<string, string> = {
    '%': '%',
    C: createHash('sha1').update(l + h + p + r).digest('hex'),
    L: l.split('.')[0] ?? l,
    d: home.home,
    h,
    i: String(os.userInfo().uid),
    k: one(dump, 'hostkeyalias') ?? hostArg,
    l,
    n: hostArg,
    p,
    r,
    u: os.userInfo().username,
  };
  const tilded = how.tilde && (value === '~' || value.startsWith('~/')) ? home.home + value.slice(1) : value;
  return tilded.replace(/%(.)|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, token: string | undefined, name: string | undefined) => {
    if (token !== undefined) return token === '%' || how.tokens.includes(token) ? (all[token] ?? whole) : whole;
    return how.env ? (home.env[name ?? ''] ?? whole) : whole;
  });
}
