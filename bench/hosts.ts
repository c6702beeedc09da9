// The benchmark's SSH servers, from testkit: sshd (testkit/sshd.ts) as root with a key and only the cipher under test
// (aes128-gcm@openssh.com) on offer, so that every client of it, OpenSSH and ssh2 alike, must negotiate that cipher;
// LogLevel DEBUG1 makes sshd log the negotiated cipher of each connection, which the benchmark reads back. And the
// far host of benchmarks 1c and 5 (testkit/netns-host.ts): a network namespace running such an sshd and the far-end
// servers (servers.ts). Every process is started through proc.ts, so that the benchmark's exit handler knows it.
// Needs root and openssh-server.
import { startNetnsHost, type NetnsHost } from '../testkit/netns-host.js';
import { negotiated, startSshd, writeClientConfig, type Sshd, type SshdOptions } from '../testkit/sshd.js';
import type { Ports } from './figures.js';
import { readyLine, startChild } from './proc.js';

export const benchCipher = 'aes128-gcm@openssh.com';
const sshdOptions = { ciphers: benchCipher, logLevel: 'DEBUG1' } satisfies SshdOptions;

/** The benchmark's sshd on 127.0.0.1 and a free port. */
export function startBenchSshd(): Promise<Sshd> {
  return startSshd({ ...sshdOptions, spawn: startChild });
}

/** The far-end servers (what servers.ts prints) run on the namespace's own 127.0.0.1: reachable only through SSH. */
export type FarHost = NetnsHost & { readonly ports: Ports };

/** A jump host in front of the far host (benchmark 9): a namespace with the benchmark's sshd and nothing else. */
export function startJumpHost(): Promise<NetnsHost | string> {
  return startNetnsHost({ label: 'jump', sshd: sshdOptions, spawn: startChild });
}

/** Starts the far host, or returns why this machine cannot make one (see startNetnsHost). */
export async function startFarHost(serversScript: string): Promise<FarHost | string> {
  const host = await startNetnsHost({ label: 'bench', sshd: sshdOptions, spawn: startChild });
  if (typeof host === 'string') return host;
  try {
    const servers = host.spawn([process.execPath, serversScript, '0']);
    return Object.assign(host, { ports: await readyLine<Ports>(servers, 'the far-end servers in the namespace') });
  } catch (err) {
    await host.stop();
    throw err;
  }
}

/**
 * An ssh_config (in a folder of its own in `dir`) with one Host block per server (alias -> sshd) and a known_hosts
 * that trusts them all; returns its path. Both clients read its `Ciphers` line (hubtray's SSH layer as OpenSSH
 * does), so each asks for the benchmark's cipher by itself.
 */
export async function benchClientConfig(dir: string, hosts: Array<{ alias: string; sshd: Sshd; extra?: string[] }>): Promise<string> {
  const withCipher = hosts.map((host) => ({ ...host, extra: [`Ciphers ${benchCipher}`, ...(host.extra ?? [])] }));
  return (await writeClientConfig(withCipher, { trust: true, parent: dir })).configPath;
}

/** The cipher each connection negotiated (with its MAC unless the cipher has its own), in the order sshd logged them. */
export async function negotiatedCiphers(sshd: Sshd): Promise<string[]> {
  return (await negotiated(sshd)).map(({ cipher, mac }) => (mac === '<implicit>' ? cipher : `${cipher} + ${mac}`));
}
