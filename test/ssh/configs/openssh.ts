// OpenSSH's own reading of a config, as the oracle the ssh config tests compare hubtray with: `ssh -G -F CONFIG HOST`
// in a home of the test's. OpenSSH takes `~` and %d from the passwd entry, not $HOME (and Include's globs from
// $HOME), so each run gets a private mount namespace in which /etc/passwd gives this user the test's home.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
  const env = { ...process.env, HOME: home, SHELL: '/bin/sh', ORACLE_PASSWD: path.join(dir, 'passwd') };
  return { home, env, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export type Dump = Map<string, string[]>;

export type SshG = { ok: true; dump: Dump } | { ok: false; stderr: string };

/** `ssh -G` with only the options OpenSSH's own ProxyJump would pass (-l, -p, -J); at most 10 s. */
export async function sshG(home: OracleHome, config: string, host: string, args: string[] = []): Promise<SshG> {
  const script = 'mount --bind "$ORACLE_PASSWD" /etc/passwd && exec ssh -G "$@" </dev/null';
  try {
    const { stdout } = await run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', '-F', config, ...args, host], {
      env: home.env,
      timeout: 10_000,
    });
    const dump: Dump = new Map();
    for (const line of stdout.split('\n')) {
      const space = line.indexOf(' ');
      if (space < 0) continue;
      const key = line.slice(0, space).toLowerCase();
      dump.set(key, [...(dump.get(key) ?? []), line.slice(space + 1)]);
    }
    return { ok: true, dump };
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    if (/unshare|mount/.test(stderr)) throw new Error(`cannot give ssh -G a home of its own (needs root): ${stderr}`, { cause: err });
    return { ok: false, stderr };
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
