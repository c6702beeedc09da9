// A private MIT Kerberos KDC for the tests: a realm of its own in a temp dir (its database, krb5.conf, kdc.conf),
// krb5kdc in the foreground on 127.0.0.1 and a free port, stopped by PID. Principals are made with kadmin.local and
// exported to keytabs, so that no password is ever typed or put on a command line. Needs krb5-kdc, krb5-admin-server
// and krb5-user (build/test-deps.sh).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomPort } from '../electron/core/net/random-port.js';
import { stopTree } from './process-tree.js';

const run = promisify(execFile);

export const kdcTools = ['/usr/sbin/krb5kdc', '/usr/sbin/kdb5_util', '/usr/sbin/kadmin.local', '/usr/bin/kinit'];

/** Why a KDC cannot run here, or undefined when it can. */
export function kdcMissing(): string | undefined {
  const missing = kdcTools.filter((tool) => !existsSync(tool));
  if (missing.length > 0) return `needs MIT Kerberos (${missing.join(', ')}): run build/test-deps.sh`;
  if (process.getuid?.() !== 0) return 'needs root (the sshd fixture creates a test user)';
  return undefined;
}

export interface Kdc {
  readonly realm: string;
  readonly port: number;
  readonly dir: string;
  /** KRB5_CONFIG (and KRB5_KDC_PROFILE) for every Kerberos program of the test. */
  readonly env: Record<string, string>;
  /** Adds `principal` with a random key and writes its key to a keytab file of its own; resolves with the file. */
  keytab(principal: string): Promise<string>;
  /** A ticket for `principal` from its keytab, in the credential cache `ccache` (kinit -k). */
  kinit(principal: string, keytab: string, ccache: string): Promise<void>;
  log(): Promise<string>;
  stop(): Promise<void>;
}

export async function startKdc(realm = 'HUBTRAY.TEST'): Promise<Kdc> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hubtray-kdc-'));
  const port = await randomPort();
  const krb5Conf = path.join(dir, 'krb5.conf');
  const kdcConf = path.join(dir, 'kdc.conf');
  const logPath = path.join(dir, 'kdc.log');
  await writeFile(
    krb5Conf,
    [
      '[libdefaults]',
      `  default_realm = ${realm}`,
      '  dns_lookup_kdc = false',
      '  dns_lookup_realm = false',
      // The host name a client asks a ticket for stays as written (localhost): no DNS of the machine's.
      '  dns_canonicalize_hostname = false',
      '  rdns = false',
      '[realms]',
      `  ${realm} = {`,
      `    kdc = 127.0.0.1:${port}`,
      '  }',
      '[domain_realm]',
      `  localhost = ${realm}`,
      '',
    ].join('\n'),
  );
  await writeFile(
    kdcConf,
    [
      '[kdcdefaults]',
      `  kdc_listen = 127.0.0.1:${port}`,
      `  kdc_tcp_listen = 127.0.0.1:${port}`,
      '[realms]',
      `  ${realm} = {`,
      `    database_name = ${path.join(dir, 'principal')}`,
      `    key_stash_file = ${path.join(dir, 'stash')}`,
      `    acl_file = ${path.join(dir, 'kadm5.acl')}`,
      '  }',
      '[logging]',
      `  kdc = FILE:${logPath}`,
      '',
    ].join('\n'),
  );
  const env = { KRB5_CONFIG: krb5Conf, KRB5_KDC_PROFILE: kdcConf };
  const options = { env: { ...process.env, ...env } };
  // The database's master key, stashed at once: a throwaway of this test's realm.
  await run('/usr/sbin/kdb5_util', ['create', '-s', '-r', realm, '-P', randomBytes(24).toString('hex')], options);

  const logFd = openSync(path.join(dir, 'krb5kdc.stderr'), 'a');
  let child: ChildProcess;
  try {
    child = spawn('/usr/sbin/krb5kdc', ['-n', '-r', realm], { ...options, stdio: ['ignore', 'ignore', logFd] });
  } finally {
    closeSync(logFd);
  }
  const log = async () => `${await readFile(logPath, 'utf8').catch(() => '')}${await readFile(path.join(dir, 'krb5kdc.stderr'), 'utf8').catch(() => '')}`;
  const kadmin = (query: string) => run('/usr/sbin/kadmin.local', ['-r', realm, '-q', query], options);

  const kdc: Kdc = {
    realm,
    port,
    dir,
    env,
    async keytab(principal) {
      const file = path.join(dir, `${principal.replace(/[^A-Za-z0-9]/g, '_')}.keytab`);
      await kadmin(`addprinc -randkey ${principal}`);
      await kadmin(`ktadd -k ${file} ${principal}`);
      return file;
    },
    async kinit(principal, keytab, ccache) {
      // The KDC may still be binding its port: kinit is tried for a few seconds.
      for (let attempt = 1; ; attempt++) {
        try {
          await run('/usr/bin/kinit', ['-k', '-t', keytab, principal], { env: { ...options.env, KRB5CCNAME: ccache } });
          return;
        } catch (err) {
          if (attempt >= 50) throw new Error(`kinit failed: ${(err as Error).message}\n${await log()}`, { cause: err });
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    },
    log,
    async stop() {
      await stopTree(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
  return kdc;
}
