// A site's inner network, between a jump host and the target behind it: two network-namespace hosts
// (testkit/netns-host.ts) joined by a veth pair of their own, in the namespaces only, that a blackhole qdisc on both
// ends cuts as a dead path (every packet dropped, each sender told it was sent). This machine's path to the jump host
// stays fine. For the jump↔target fault test and benchmark.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { NetnsHost } from './netns-host.js';

const run = promisify(execFile);

/** The jump host's own link to the target, inside the two namespaces only: nothing on this machine routes to it. */
export interface InnerLink {
  cut(): Promise<void>;
  restore(): Promise<void>;
}

export async function innerLink(jumpHost: NetnsHost, targetHost: NetnsHost): Promise<InnerLink> {
  const id = randomBytes(3).toString('hex');
  const [jumpEnd, targetEnd] = [`hj${id}`, `ht${id}`];
  const [jumpIp, targetIp] = ['10.219.0.1', '10.219.0.2'];
  const ipIn = (host: NetnsHost, ...args: string[]) => run('ip', ['-n', host.namespace, ...args]);
  await ipIn(jumpHost, 'link', 'add', jumpEnd, 'type', 'veth', 'peer', 'name', targetEnd, 'netns', targetHost.namespace);
  await ipIn(jumpHost, 'addr', 'add', `${jumpIp}/30`, 'dev', jumpEnd);
  await ipIn(targetHost, 'addr', 'add', `${targetIp}/30`, 'dev', targetEnd);
  await ipIn(jumpHost, 'link', 'set', jumpEnd, 'up');
  await ipIn(targetHost, 'link', 'set', targetEnd, 'up');
  // The jump host reaches the target's sshd (on the target's address toward this machine) over the inner link.
  await ipIn(jumpHost, 'route', 'add', `${targetHost.address}/32`, 'via', targetIp, 'dev', jumpEnd);
  // Fixed neighbours, so that no ARP exchange after the restore adds to what is measured.
  const mac = async (host: NetnsHost, device: string) => /link\/ether ([0-9a-f:]+)/.exec((await ipIn(host, '-o', 'link', 'show', 'dev', device)).stdout)?.[1] ?? '';
  await ipIn(jumpHost, 'neigh', 'replace', targetIp, 'lladdr', await mac(targetHost, targetEnd), 'dev', jumpEnd, 'nud', 'permanent');
  await ipIn(targetHost, 'neigh', 'replace', jumpIp, 'lladdr', await mac(jumpHost, jumpEnd), 'dev', targetEnd, 'nud', 'permanent');
  const ends: Array<[NetnsHost, string]> = [
    [jumpHost, jumpEnd],
    [targetHost, targetEnd],
  ];
  let down = false;
  return {
    // A dead path: both ends up, every packet dropped while its sender is told it was sent.
    async cut() {
      down = true;
      for (const [host, device] of ends) await run('tc', ['-n', host.namespace, 'qdisc', 'replace', 'dev', device, 'root', 'blackhole']);
    },
    async restore() {
      if (!down) return;
      down = false;
      for (const [host, device] of ends) await run('tc', ['-n', host.namespace, 'qdisc', 'del', 'dev', device, 'root']);
    },
  };
}

/** The jump host's TCP connects to the target still waiting for an answer to their SYN (`ss` only reads). */
export async function jumpSynSent(jumpHost: NetnsHost, targetHost: NetnsHost): Promise<number> {
  const { stdout } = await run('ip', ['netns', 'exec', jumpHost.namespace, 'ss', '-H', '-tn', 'state', 'syn-sent', 'dst', targetHost.address]);
  return stdout.split('\n').filter((line) => line.trim() !== '').length;
}
