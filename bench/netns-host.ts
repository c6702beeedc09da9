// The far host of benchmark 5: a network namespace of its own, joined to this machine by a veth pair with a /30 from
// 10.213.0.0/16, running the benchmark's sshd (bench/sshd.ts) and far-end servers (bench/servers.ts) inside it, with
// a link that the benchmark cuts and restores. The same recipe as the fault tests' fixture (test/fixtures/
// netns-host.ts), which is not part of the build; nothing here comes from test/. Needs root (CAP_NET_ADMIN and
// CAP_SYS_ADMIN).
//
// Safety: with this machine's end of the veth down its connected route vanishes, and packets for the namespace would
// take the default route off this machine. So a blackhole route for the /30 goes in first (metric 4000, so the veth's
// route wins while it exists), and `ip route get` (which sends nothing) checks before any traffic, and after every
// cut and restore, that the namespace's address is either blackholed or reached through the veth. The only addresses
// used are the two on that veth. Every process is stopped by PID: the ones started here, then whatever `ip netns
// pids` still finds in the namespace. stop() deletes the namespace, the veth and, last, the route; so does an exit
// handler, synchronously, if the benchmark dies without calling stop().
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { readyLine, sleep, startChild } from './proc.js';
import { stopTree } from '../testkit/process-tree.js';
import { startSshd, type BenchSshd } from './sshd.js';

const run = promisify(execFile);

/** What bench/servers.ts prints. */
export interface FarPorts {
  sink: number;
  source: number;
  echo: number;
  http: number[];
}

/**
 * 'link-down': this machine's end goes down; its route vanishes and the blackhole route drops the packets, so new
 * connections fail at once (a lost Wi-Fi). 'silent': both ends stay up, with their routes and permanent neighbour
 * entries, and a `blackhole` qdisc on each end drops every packet while telling the sender it was sent: nothing on
 * either side sees an error, and TCP backs off as on a dead path somewhere on the way (a VPN or a router gone).
 * (Taking the namespace's end down instead, as the fault tests' fixture does, is not silent: this machine's end then
 * loses its carrier, and the kernel treats the drops as local ones, resending SYNs every second without backing off.)
 */
export type CutKind = 'link-down' | 'silent';

export interface LinkShape {
  rateMbit: number;
}

export interface NetnsHost {
  readonly namespace: string;
  /** The namespace's end of the veth, where its sshd listens (port 22). */
  readonly address: string;
  readonly sshd: BenchSshd;
  /** The far-end servers, on the namespace's own 127.0.0.1: reachable only through an SSH forward. */
  readonly ports: FarPorts;
  /**
   * Limits the link to `rateMbit` each way: each end's root qdisc becomes a token bucket filter (tbf). No added
   * delay: the kernels this runs on may lack netem. Not combinable with a silent cut, which replaces the same qdisc.
   */
  shape(link: LinkShape): Promise<void>;
  cut(how: CutKind): Promise<void>;
  /** Brings the link back; resolves once the kernel reports it up and the route leads through the veth again. */
  restore(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the host, or returns why this machine cannot make network namespaces (not root, or no CAP_NET_ADMIN /
 * CAP_SYS_ADMIN, as in an unprivileged container). Any other failure throws.
 */
export async function startNetnsHost(serversScript: string): Promise<NetnsHost | string> {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  const id = randomBytes(3).toString('hex');
  const ns = `hubtray-bench-${id}`;
  const hostEnd = `hb${id}h`;
  const nsEnd = `hb${id}n`;
  let subnet: Subnet | undefined;
  let sshd: BenchSshd | undefined;
  let servers: ReturnType<typeof startChild> | undefined;
  let cutKind: CutKind | undefined;
  let stopped = false;

  const routeIs = async (nsIp: string, expected: 'veth' | 'blackhole') => {
    const route = await routeTo(nsIp);
    const ok = expected === 'blackhole' ? route === 'blackhole' : route === `dev ${hostEnd}`;
    if (!ok) throw new Error(`ABORT: ${nsIp} should be ${expected === 'veth' ? `on ${hostEnd}` : 'blackholed'}, but ip route get says: ${route}`);
  };
  const pinNeighbours = async ({ hostIp, nsIp }: Subnet) => {
    const mac = async (...show: string[]) => {
      const { stdout } = await ip(...show);
      const found = /link\/ether ([0-9a-f:]+)/.exec(stdout)?.[1];
      if (!found) throw new Error(`no MAC address in: ${stdout}`);
      return found;
    };
    await ip('neigh', 'replace', nsIp, 'lladdr', await mac('-n', ns, '-o', 'link', 'show', nsEnd), 'dev', hostEnd, 'nud', 'permanent');
    await ip('-n', ns, 'neigh', 'replace', hostIp, 'lladdr', await mac('-o', 'link', 'show', hostEnd), 'dev', nsEnd, 'nud', 'permanent');
  };

  // If the benchmark dies without stop(): its children are killed by PID (proc.ts), then this runs.
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    const sync = (...args: string[]) => {
      try {
        return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      } catch {
        return '';
      }
    };
    for (const pid of sync('netns', 'pids', ns).split('\n').filter(Boolean).map(Number)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    sync('netns', 'del', ns);
    sync('link', 'del', hostEnd);
    if (subnet) sync('route', 'del', 'blackhole', subnet.cidr, 'metric', '4000');
  };
  process.on('exit', stopSync);

  const stop = async () => {
    if (stopped) return;
    // What was started here, by PID (sshd with its sessions, leaves first), then anything left in the namespace.
    if (servers) await stopTree(servers);
    await sshd?.stop();
    await signalAll(ns, 'SIGTERM');
    await signalAll(ns, 'SIGKILL');
    await ip('netns', 'del', ns).catch(() => {});
    await ip('link', 'del', hostEnd).catch(() => {});
    await subnet?.release();
    stopped = true;
    process.off('exit', stopSync);
  };

  try {
    const reserved = (subnet = await reserveSubnet());
    const { hostIp, nsIp } = reserved;
    await routeIs(nsIp, 'blackhole');
    await ip('netns', 'add', ns);
    await ip('link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', nsEnd, 'netns', ns);
    await ip('addr', 'add', `${hostIp}/30`, 'dev', hostEnd);
    await ip('link', 'set', hostEnd, 'up');
    await ip('-n', ns, 'addr', 'add', `${nsIp}/30`, 'dev', nsEnd);
    await ip('-n', ns, 'link', 'set', 'lo', 'up');
    await ip('-n', ns, 'link', 'set', nsEnd, 'up');
    await pinNeighbours(reserved);
    await routeIs(nsIp, 'veth');

    sshd = await startSshd({ namespace: { name: ns, address: nsIp } });
    // `ip netns exec` execs, so the PID is node's.
    servers = startChild('ip', ['netns', 'exec', ns, process.execPath, serversScript, '0']);
    const ports = await readyLine<FarPorts>(servers, 'the far-end servers in the namespace');

    return {
      namespace: ns,
      address: nsIp,
      sshd,
      ports,
      async shape({ rateMbit }) {
        // A burst of a few 64 KiB segments (the veth offloads as loopback does), and a queue of up to 50 ms.
        const tbf = ['root', 'tbf', 'rate', `${rateMbit}mbit`, 'burst', '256kb', 'latency', '50ms'];
        await tc('qdisc', 'replace', 'dev', hostEnd, ...tbf);
        await tc('-n', ns, 'qdisc', 'replace', 'dev', nsEnd, ...tbf);
        await routeIs(nsIp, 'veth');
      },
      async cut(how) {
        if (cutKind) throw new Error('the link is already cut');
        cutKind = how;
        if (how === 'link-down') {
          await ip('link', 'set', hostEnd, 'down');
          await routeIs(nsIp, 'blackhole');
        } else {
          await tc('qdisc', 'replace', 'dev', hostEnd, 'root', 'blackhole');
          await tc('-n', ns, 'qdisc', 'replace', 'dev', nsEnd, 'root', 'blackhole');
          await routeIs(nsIp, 'veth');
        }
      },
      async restore() {
        if (cutKind === 'link-down') await ip('link', 'set', hostEnd, 'up');
        if (cutKind === 'silent') {
          await tc('qdisc', 'del', 'dev', hostEnd, 'root');
          await tc('-n', ns, 'qdisc', 'del', 'dev', nsEnd, 'root');
        }
        cutKind = undefined;
        // A link going down flushes even permanent neighbour entries.
        await pinNeighbours(reserved);
        await routeIs(nsIp, 'veth');
        // The kernel takes up to a second to notice the carrier and let packets through: the link is back when it
        // says it is up.
        const deadline = Date.now() + 20_000;
        while ((await readFile(`/sys/class/net/${hostEnd}/operstate`, 'utf8')).trim() !== 'up') {
          if (Date.now() > deadline) throw new Error(`${hostEnd} did not come up within 20 s`);
          await sleep(10);
        }
      },
      stop,
    };
  } catch (err) {
    await stop();
    if (/Operation not permitted|Permission denied/.test(String((err as { stderr?: unknown }).stderr))) {
      return 'this machine may not create network namespaces or routes (needs CAP_NET_ADMIN and CAP_SYS_ADMIN)';
    }
    throw err;
  }
}

interface Subnet {
  cidr: string;
  hostIp: string;
  nsIp: string;
  release: () => Promise<void>;
}

/** A /30 that nothing on this machine routes yet, with its blackhole route in place. */
async function reserveSubnet(): Promise<Subnet> {
  for (let tries = 0; tries < 20; tries++) {
    const n = randomBytes(2).readUInt16BE() & 0x3fff;
    const prefix = `10.213.${n >> 6}`;
    const last = (n & 0x3f) << 2;
    const cidr = `${prefix}.${last}/30`;
    const addresses = (await ip('-o', 'addr', 'show', 'to', cidr)).stdout;
    const routes = (await ip('route', 'show', 'root', cidr)).stdout;
    if (`${addresses}${routes}`.trim() !== '') continue;
    try {
      await ip('route', 'add', 'blackhole', cidr, 'metric', '4000');
    } catch (err) {
      // Another fixture took the same /30 a moment ago.
      if (/File exists/.test(String((err as { stderr?: unknown }).stderr))) continue;
      throw err;
    }
    return {
      cidr,
      hostIp: `${prefix}.${last + 1}`,
      nsIp: `${prefix}.${last + 2}`,
      release: () => ip('route', 'del', 'blackhole', cidr, 'metric', '4000').then(() => {}),
    };
  }
  throw new Error('found no free /30 in 10.213.0.0/16');
}

/** 'blackhole', 'dev NAME' for a direct route, or the whole answer of `ip route get` for anything else. */
async function routeTo(address: string): Promise<string> {
  const { stdout, stderr } = await ip('route', 'get', address).catch((err: { stdout?: string; stderr?: string }) => ({
    stdout: err.stdout ?? '',
    stderr: err.stderr ?? '',
  }));
  // A blackhole route makes the lookup itself fail.
  if (/Invalid argument/.test(stderr) || /^blackhole /.test(stdout)) return 'blackhole';
  const direct = new RegExp(`^${address.replaceAll('.', '\\.')} dev (\\S+) `).exec(stdout);
  return direct && !/ via /.test(stdout) ? `dev ${direct[1]}` : `${stdout}${stderr}`.trim();
}

function ip(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('ip', args);
}

function tc(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('tc', args);
}

/** Sends `signal` to every process still in the namespace, by PID, and waits up to 3 s for them to leave it. */
async function signalAll(ns: string, signal: NodeJS.Signals): Promise<void> {
  // A process that has exited (even one nobody reaped yet) is no longer in the namespace's list.
  const inside = async () => (await ip('netns', 'pids', ns).catch(() => ({ stdout: '' }))).stdout.split('\n').filter(Boolean).map(Number);
  const targets = await inside();
  for (const pid of targets) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 3000;
  while (targets.length > 0 && Date.now() < deadline && (await inside()).some((pid) => targets.includes(pid))) await sleep(20);
}
