// A private OpenSSH server for the tests and the benchmark: /usr/sbin/sshd in the foreground with its own config,
// host key and authorized keys in a temp dir, on 127.0.0.1 and a free port, or on port 22 of a network namespace's
// address (netns-host.ts). Everything it starts is stopped by PID (the listener and the per-connection processes it
// forked), never by name. Needs root (it may create test users) and openssh-server.
import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomPort } from '../electron/core/net/random-port.js';
import type { SshTarget } from '../electron/core/ssh/ssh-target.js';
import { stopTree } from './process-tree.js';

const run = promisify(execFile);

export interface SshdUser {
  name: string;
  /**
   * Sets this password (never for root) until stop(). Without it the account gets '*': no password, but not locked.
   */
  password?: string;
  /** Public key lines to authorize; default: the fixture's own client key. */
  authorizedKeys?: string[];
}

/** How a process is started: child_process.spawn, or a wrapper that also keeps track of it. */
export type Spawn = (command: string, args: string[], options: SpawnOptions) => ChildProcess;

export interface SshdOptions {
  /** Default: root, authorized with the fixture's client key. */
  users?: SshdUser[];
  passwordAuthentication?: boolean;
  /** Keyboard-interactive through PAM (UsePAM yes). */
  keyboardInteractive?: boolean;
  allowTcpForwarding?: boolean;
  /** sshd's AuthenticationMethods, e.g. "publickey,password" to require both. */
  authenticationMethods?: string;
  /** DEBUG1 logs forwarded connections ("direct-tcpip") and the cipher each connection agreed on (negotiated()). */
  logLevel?: 'VERBOSE' | 'DEBUG1';
  /** sshd's Ciphers: the only ones it offers. */
  ciphers?: string;
  /** sshd's MaxSessions (OpenSSH's default: 10). */
  maxSessions?: number;
  /** A CA's public key file (TrustedUserCAKeys): a user key it certified for the user's name logs in. */
  trustedUserCAKeys?: string;
  /**
   * Runs sshd inside this network namespace (`ip netns exec`, which execs, so the PID is sshd's), on port 22 of
   * `address`. Its sessions also end by themselves 30 s after their client vanished (ClientAliveInterval), so that
   * the clients a link cut leaves behind do not pile up.
   */
  namespace?: { name: string; address: string };
  /** Default: child_process.spawn. The benchmark passes its own, which remembers every child for its exit handler. */
  spawn?: Spawn;
  /** Kerberos logins (GSSAPIAuthentication yes), with any key of the keytab that `env` names (KRB5_KTNAME). */
  gssapi?: boolean;
  /** More environment for sshd, e.g. KRB5_CONFIG and KRB5_KTNAME. */
  env?: Record<string, string>;
}

export interface Sshd {
  /** Where clients reach it: 127.0.0.1, or the namespace's address. */
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  readonly dir: string;
  /** "ssh-ed25519 AAAA..." */
  readonly hostKeyPub: string;
  readonly clientKeyPath: string;
  /** The known_hosts line for this server: "[127.0.0.1]:PORT ssh-ed25519 AAAA..." (on port 22: "ADDRESS ssh-..."). */
  readonly knownHostsLine: string;
  /** sshd's log (stderr) so far, across restarts (VERBOSE and up: a "Connection from" line for every connection). */
  log(): Promise<string>;
  /** Kills sshd and every session it forked; the files stay, so it can be started again. */
  kill(): Promise<void>;
  /** kill(), then start again on the same port, with the same host key unless newHostKey. */
  restart(options?: { newHostKey?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export async function startSshd(options: SshdOptions = {}): Promise<Sshd> {
  const { namespace } = options;
  const host = namespace?.address ?? '127.0.0.1';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hubtray-sshd-'));
  // sshd reads authorized_keys as the target user: every directory on the way must be traversable.
  await chmod(dir, 0o755);
  const hostKey = path.join(dir, 'ssh_host_ed25519_key');
  const clientKeyPath = path.join(dir, 'client_key');
  await Promise.all([keygen(hostKey, 'hostkey'), keygen(clientKeyPath, 'client')]);
  const clientPub = (await readFile(`${clientKeyPath}.pub`, 'utf8')).trim();

  const users = options.users ?? [{ name: 'root' }];
  const keysDir = path.join(dir, 'authorized_keys');
  await mkdir(keysDir, { mode: 0o755 });
  for (const user of users) {
    await ensureUser(user);
    const keys = user.authorizedKeys ?? [clientPub];
    await writeFile(path.join(keysDir, user.name), keys.map((k) => `${k.trim()}\n`).join(''), { mode: 0o644 });
  }
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });

  const configPath = path.join(dir, 'sshd_config');
  const logPath = path.join(dir, 'sshd.log');
  const log = () => readFile(logPath, 'utf8').catch(() => '');
  const command = ['/usr/sbin/sshd', '-D', '-e', '-f', configPath];
  const [file, ...args] = namespace ? ['ip', 'netns', 'exec', namespace.name, ...command] : command;
  let port = 0;
  let child: ChildProcess | undefined;
  let hostKeyPub = '';
  /** False if sshd exited before it answered. */
  const start = async () => {
    hostKeyPub = (await readFile(`${hostKey}.pub`, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
    const logFd = openSync(logPath, 'a');
    try {
      child = (options.spawn ?? spawn)(file!, args, { stdio: ['ignore', 'ignore', logFd], ...(options.env ? { env: { ...process.env, ...options.env } } : {}) });
    } finally {
      closeSync(logFd);
    }
    return waitForBanner(host, port, child, log);
  };
  const exited = async () => new Error(`sshd exited during start:\n${await log()}`);
  const kill = async () => {
    if (child) await stopTree(child);
  };

  // The port is free for a moment before sshd takes it: if another process took it first, sshd exits and another
  // port is tried. The namespace has nothing else listening, so its sshd can have the usual port.
  for (let attempt = 1; ; attempt++) {
    port = namespace ? 22 : await randomPort();
    await writeFile(configPath, sshdConfig({ ...options, host, port, hostKey, keysDir, users }));
    if (await start()) break;
    if (attempt >= 3 || namespace) throw await exited();
  }

  return {
    host,
    port,
    dir,
    clientKeyPath,
    get pid() {
      return child?.pid ?? -1;
    },
    get hostKeyPub() {
      return hostKeyPub;
    },
    get knownHostsLine() {
      return `${port === 22 ? host : `[${host}]:${port}`} ${hostKeyPub}`;
    },
    log,
    kill,
    async restart(restartOptions = {}) {
      await kill();
      if (restartOptions.newHostKey) {
        await rm(hostKey, { force: true });
        await rm(`${hostKey}.pub`, { force: true });
        await keygen(hostKey, 'hostkey');
      }
      if (!(await start())) throw await exited();
    },
    async stop() {
      await kill();
      // A known test password must not outlive the test: another sshd on this machine might accept it.
      for (const user of users) if (user.password !== undefined) await ensureUser({ name: user.name });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function sshdConfig(o: SshdOptions & { host: string; port: number; hostKey: string; keysDir: string; users: SshdUser[] }): string {
  const yesNo = (value: boolean | undefined) => (value ? 'yes' : 'no');
  return [
    `Port ${o.port}`,
    `ListenAddress ${o.host}`,
    `HostKey ${o.hostKey}`,
    'PidFile none',
    `AuthorizedKeysFile ${o.keysDir}/%u`,
    // Keys live under /tmp, which is world-writable.
    'StrictModes no',
    'PubkeyAuthentication yes',
    `PasswordAuthentication ${yesNo(o.passwordAuthentication)}`,
    `KbdInteractiveAuthentication ${yesNo(o.keyboardInteractive)}`,
    `UsePAM ${yesNo(o.keyboardInteractive)}`,
    'PermitRootLogin prohibit-password',
    `AllowUsers ${o.users.map((u) => u.name).join(' ')}`,
    ...(o.authenticationMethods ? [`AuthenticationMethods ${o.authenticationMethods}`] : []),
    ...(o.ciphers ? [`Ciphers ${o.ciphers}`] : []),
    ...(o.maxSessions !== undefined ? [`MaxSessions ${o.maxSessions}`] : []),
    ...(o.trustedUserCAKeys ? [`TrustedUserCAKeys ${o.trustedUserCAKeys}`] : []),
    // The test's keytab holds host/localhost, not this machine's own name.
    ...(o.gssapi ? ['GSSAPIAuthentication yes', 'GSSAPIStrictAcceptorCheck no'] : []),
    `AllowTcpForwarding ${o.allowTcpForwarding === false ? 'no' : 'yes'}`,
    'X11Forwarding no',
    'PrintMotd no',
    'MaxStartups 50',
    ...(o.namespace ? ['ClientAliveInterval 10', 'ClientAliveCountMax 3'] : []),
    `LogLevel ${o.logLevel ?? 'VERBOSE'}`,
    '',
  ].join('\n');
}

async function keygen(file: string, comment: string): Promise<void> {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
}

/** Creates the user if missing; concurrent test files may race for /etc/passwd's lock, so it retries. */
async function ensureUser(user: SshdUser): Promise<void> {
  if (user.name === 'root') {
    if (user.password !== undefined) throw new Error('the sshd fixture never sets a password for root');
    return;
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const exists = await run('id', ['-u', user.name]).then(
        () => true,
        () => false,
      );
      if (!exists) await run('useradd', ['-m', '-s', '/bin/sh', user.name]);
      if (user.password === undefined) {
        // useradd leaves the account locked ('!'), and sshd refuses locked accounts without PAM.
        await run('usermod', ['-p', '*', user.name]);
      } else {
        const chpasswd = run('chpasswd');
        // If chpasswd exits before reading its input, its exit status says why; the write's EPIPE must not escape.
        chpasswd.child.stdin?.on('error', () => undefined);
        chpasswd.child.stdin?.end(`${user.name}:${user.password}\n`);
        await chpasswd;
      }
      return;
    } catch (err) {
      if (attempt >= 10) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

/** True once sshd sends its banner, false if it exited first; after 10 s it is stopped, and this throws. */
async function waitForBanner(host: string, port: number, child: ChildProcess, log: () => Promise<string>): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    if (await answersSsh(host, port)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stopTree(child);
  throw new Error(`sshd did not answer on ${host}:${port} within 10 s:\n${await log()}`);
}

function answersSsh(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('data', (data) => done(data.toString('latin1').startsWith('SSH-')));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

/** The cipher and MAC each connection agreed on, in the order sshd logged them (LogLevel DEBUG1). */
export async function negotiated(sshd: Sshd): Promise<Array<{ cipher: string; mac: string }>> {
  return [...(await sshd.log()).matchAll(/kex: client->server cipher: (\S+) MAC: (\S+)/g)].map((m) => ({ cipher: m[1]!, mac: m[2]! }));
}

export interface ClientHost {
  alias: string;
  sshd: Sshd;
  user?: string;
  /** Default: the sshd's client key. */
  identityFile?: string;
  /** Default: yes, so that no key of the machine's own user is offered. */
  identitiesOnly?: boolean;
  /** More ssh_config lines for this Host block, e.g. "ProxyJump jump". */
  extra?: string[];
}

export interface ClientConfig {
  dir: string;
  configPath: string;
  knownHostsPath: string;
  cleanup(): Promise<void>;
}

/**
 * Writes an ssh config (one Host block per entry, pointing at its sshd) and a known_hosts file in a temp dir of its
 * own, made in `parent` (default: the system's temp dir). With trust, known_hosts already holds every server's key;
 * without, it does not exist yet.
 */
export async function writeClientConfig(hosts: ClientHost[], options: { trust?: boolean; parent?: string } = {}): Promise<ClientConfig> {
  const dir = await mkdtemp(path.join(options.parent ?? os.tmpdir(), 'hubtray-ssh-client-'));
  const configPath = path.join(dir, 'config');
  const knownHostsPath = path.join(dir, 'known_hosts');
  const blocks = hosts.map((h) =>
    [
      `Host ${h.alias}`,
      `  HostName ${h.sshd.host}`,
      `  Port ${h.sshd.port}`,
      `  User ${h.user ?? 'root'}`,
      `  IdentityFile ${h.identityFile ?? h.sshd.clientKeyPath}`,
      `  IdentitiesOnly ${h.identitiesOnly === false ? 'no' : 'yes'}`,
      `  UserKnownHostsFile ${knownHostsPath}`,
      '  GlobalKnownHostsFile none',
      ...(h.extra ?? []).map((line) => `  ${line}`),
    ].join('\n'),
  );
  await writeFile(configPath, `${blocks.join('\n\n')}\n`);
  if (options.trust) await writeFile(knownHostsPath, hosts.map((h) => `${h.sshd.knownHostsLine}\n`).join(''));
  return { dir, configPath, knownHostsPath, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The tests run over the system's OpenSSH (HUBTRAY_SSH_TRANSPORT=openssh): what only ssh2 says or does is skipped. */
export const overOpenSsh = process.env.HUBTRAY_SSH_TRANSPORT === 'openssh';

/** Always hubtray's own client, whatever HUBTRAY_SSH_TRANSPORT says: for the tests of what it does itself (its login, ciphers, certificates). */
export function ssh2Target(host: string, overrides: Partial<SshTarget> = {}): SshTarget {
  return sshTarget(host, { transport: 'ssh2', ...overrides });
}

/** Without a transport: the pool's default, so that HUBTRAY_SSH_TRANSPORT=openssh runs these tests over OpenSSH. */
export function sshTarget(host: string, overrides: Partial<SshTarget> = {}): SshTarget {
  return { host, connectTimeoutSeconds: 5, keepaliveIntervalSeconds: 5, keepaliveCountMax: 3, ...overrides };
}
