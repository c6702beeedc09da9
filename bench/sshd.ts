// The benchmark's own OpenSSH server: /usr/sbin/sshd in the foreground on 127.0.0.1 (or on port 22 of a network
// namespace's address, for benchmark 5), root with a key, and only the cipher under test (aes128-gcm@openssh.com) on
// offer, so that every client of it, OpenSSH and ssh2 alike, must negotiate that cipher. LogLevel DEBUG1 makes sshd
// log the negotiated cipher of each connection, which the benchmark reads back. Needs root and openssh-server.
import { execFile } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sleep, startChild } from './proc.js';
import { stopTree } from '../testkit/process-tree.js';

const run = promisify(execFile);

export const benchCipher = 'aes128-gcm@openssh.com';

export interface BenchSshd {
  /** Where clients reach it: 127.0.0.1, or the namespace's address. */
  host: string;
  port: number;
  pid: number;
  dir: string;
  clientKeyPath: string;
  knownHostsLine: string;
  log(): Promise<string>;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** Replaces the cipher list sshd offers; by default only aes128-gcm@openssh.com. */
  ciphers?: string;
  macs?: string;
  /**
   * Runs sshd inside this network namespace (`ip netns exec`, which execs, so the PID is sshd's), on port 22 of
   * `address`. Its sessions also end by themselves 30 s after their client vanished (ClientAliveInterval), so that
   * the clients a link cut leaves behind do not pile up.
   */
  namespace?: { name: string; address: string };
}

export async function startSshd(options: SshdOptions = {}): Promise<BenchSshd> {
  const { namespace } = options;
  const host = namespace?.address ?? '127.0.0.1';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hubtray-bench-sshd-'));
  await chmod(dir, 0o755);
  const hostKey = path.join(dir, 'host_key');
  const clientKeyPath = path.join(dir, 'client_key');
  await Promise.all([keygen(hostKey), keygen(clientKeyPath)]);
  await writeFile(path.join(dir, 'authorized_keys'), await readFile(`${clientKeyPath}.pub`, 'utf8'), { mode: 0o644 });
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const logPath = path.join(dir, 'sshd.log');

  // The port is chosen by the kernel for a moment and then given to sshd; a clash makes sshd exit, and we retry.
  for (let attempt = 1; ; attempt++) {
    // The namespace has nothing else listening, so its sshd can have the usual port.
    const port = namespace ? 22 : await freePort();
    const configPath = path.join(dir, 'sshd_config');
    await writeFile(
      configPath,
      [
        `Port ${port}`,
        `ListenAddress ${host}`,
        `HostKey ${hostKey}`,
        'PidFile none',
        `AuthorizedKeysFile ${dir}/authorized_keys`,
        'StrictModes no',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'PermitRootLogin prohibit-password',
        'AllowUsers root',
        'AllowTcpForwarding yes',
        'X11Forwarding no',
        'PrintMotd no',
        'MaxStartups 50',
        `Ciphers ${options.ciphers ?? benchCipher}`,
        ...(options.macs ? [`MACs ${options.macs}`] : []),
        ...(namespace ? ['ClientAliveInterval 10', 'ClientAliveCountMax 3'] : []),
        'LogLevel DEBUG1',
        '',
      ].join('\n'),
    );
    const logFd = openSync(logPath, 'a');
    const sshd = ['/usr/sbin/sshd', '-D', '-e', '-f', configPath];
    const [command, ...args] = namespace ? ['ip', 'netns', 'exec', namespace.name, ...sshd] : sshd;
    const child = startChild(command!, args, { stdio: ['ignore', 'ignore', logFd] });
    closeSync(logFd);
    if (await waitForBanner(host, port, () => child.exitCode !== null || child.signalCode !== null)) {
      const hostPub = (await readFile(`${hostKey}.pub`, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
      return {
        host,
        port,
        pid: child.pid!,
        dir,
        clientKeyPath,
        knownHostsLine: `${port === 22 ? host : `[${host}]:${port}`} ${hostPub}`,
        log: () => readFile(logPath, 'utf8').catch(() => ''),
        async stop() {
          await stopTree(child);
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    await stopTree(child);
    if (attempt >= 3) throw new Error(`sshd would not start:\n${await readFile(logPath, 'utf8').catch(() => '')}`);
  }
}

/**
 * An ssh_config with one Host block per server (alias -> sshd) and a known_hosts that trusts them all. Both clients
 * read its `Ciphers` line (hubtray's SSH layer as OpenSSH does), so each asks for the benchmark's cipher by itself.
 */
export async function writeClientConfig(dir: string, hosts: Array<{ alias: string; sshd: BenchSshd }>): Promise<string> {
  const configPath = path.join(dir, 'ssh_config');
  const knownHosts = path.join(dir, 'known_hosts');
  await writeFile(knownHosts, hosts.map((h) => `${h.sshd.knownHostsLine}\n`).join(''));
  const blocks = hosts.map((h) =>
    [
      `Host ${h.alias}`,
      `  HostName ${h.sshd.host}`,
      `  Port ${h.sshd.port}`,
      '  User root',
      `  IdentityFile ${h.sshd.clientKeyPath}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${knownHosts}`,
      '  GlobalKnownHostsFile none',
      `  Ciphers ${benchCipher}`,
    ].join('\n'),
  );
  await writeFile(configPath, `${blocks.join('\n\n')}\n`);
  return configPath;
}

/** The cipher each connection negotiated, in the order sshd logged them. */
export async function negotiatedCiphers(sshd: BenchSshd): Promise<string[]> {
  return [...(await sshd.log()).matchAll(/kex: client->server cipher: (\S+) MAC: (\S+)/g)].map((m) =>
    m[2] === '<implicit>' ? m[1]! : `${m[1]} + ${m[2]}`,
  );
}

async function keygen(file: string): Promise<void> {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'hubtray-bench', '-f', file]);
}

export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}

/** `count` distinct ports that were free a moment ago: all are held open together, so none repeats. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      ports.push(
        await new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host: '127.0.0.1', port: 0 }, () => resolve((server.address() as net.AddressInfo).port));
        }),
      );
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

async function waitForBanner(host: string, port: number, exited: () => boolean): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !exited()) {
    if (await answersSsh(host, port)) return true;
    await sleep(50);
  }
  return false;
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
