// A far host for the fault tests and the benchmark: a network namespace of its own, joined to this machine by a veth
// pair with a /30 from 10.213.0.0/16, running a private sshd (sshd.ts) on the namespace's end of the veth and, if
// asked, Debian's Jupyter server on the namespace's own 127.0.0.1 (the benchmark starts its far-end servers there
// too), with a link that the caller cuts, throttles and restores. Needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN).
//
// Safety: with this machine's end of the veth down its connected route vanishes, and packets for the namespace would
// take the default route off this machine. So a blackhole route for the /30 goes in first (metric 4000, so the veth's
// route wins while it exists), and `ip route get` (which sends nothing) checks before any traffic, and after every
// cut, throttle and restore, that the namespace's address is either blackholed or reached through the veth. The only
// addresses used are the two on that veth. Every process is stopped by PID: the ones started here (leaves first),
// then whatever `ip netns pids` still finds in the namespace. stop() deletes the namespace, the veth and, last, the
// route; so does an exit handler, synchronously, if the process exits without calling stop().
import { execFile, execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { signal, stopTree } from './process-tree.js';
import { startSshd, type Spawn, type Sshd, type SshdOptions } from './sshd.js';

const run = promisify(execFile);
const jupyterPort = 8888;

/**
 * 'link-down': this machine's end goes down; its route vanishes and the blackhole route drops the packets, so new
 * connections fail at once (a lost Wi-Fi). 'silent': the namespace's end goes down; this end keeps its route and a
 * permanent neighbour entry, so packets vanish without any error. This end does lose its carrier, though, and the
 * kernel treats the drops as local ones: a TCP connect resends its SYN every second without backing off.
 * 'dead-path': both ends stay up, and a blackhole qdisc on each drops every packet while telling the sender it was
 * sent; nothing on either side sees an error, and TCP backs off as on a dead path somewhere on the way (a VPN or a
 * router gone).
 */
export type CutKind = 'link-down' | 'silent' | 'dead-path';

export interface NetnsHostOptions {
  /** Debian's Jupyter server on the namespace's 127.0.0.1, with a token of its own. */
  jupyter?: boolean;
  /** The host's sshd (always on port 22 of the namespace's address); by default as startSshd() makes it. */
  sshd?: Omit<SshdOptions, 'namespace' | 'spawn'>;
  /** Starts every process of the host (see SshdOptions.spawn); default: child_process.spawn. */
  spawn?: Spawn;
  /** Names the namespace hubtray-LABEL-XXXXXX and its veth ends hLXXXXXX… (default: hubtray-XXXXXX, htXXXXXX…). */
  label?: string;
}

export interface NetnsHost {
  readonly namespace: string;
  /** The namespace's end of the veth, where its sshd listens (port 22). */
  readonly address: string;
  /** This machine's end of the veth. */
  readonly hostInterface: string;
  /** root logs in with its client key; writeClientConfig() takes it as any other sshd. */
  readonly sshd: Sshd;
  /** Jupyter, on the namespace's 127.0.0.1: reachable only through an SSH forward. */
  readonly jupyter: { host: '127.0.0.1'; port: number; token: string } | undefined;
  /** Starts `command` in the namespace (`ip netns exec` execs, so the PID is the command's); stop() stops it by PID. */
  spawn(command: string[], options?: SpawnOptions): ChildProcess;
  cut(how: CutKind): Promise<void>;
  /**
   * Both directions limited to `kbit` per second until restore(): each end's root qdisc becomes a token bucket
   * filter (tbf). No added delay: the kernels this runs on may lack netem. `burst` (default: one full-size packet;
   * anything bigger would be dropped) and `latency` (how long a packet may queue; default 60 s) are tbf's.
   */
  throttle(kbit: number, bucket?: { burst?: string; latency?: string }): Promise<void>;
  /** Brings the link back; resolves once the kernel reports it up and the route leads through the veth again. */
  restore(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the host, or returns why this machine cannot make network namespaces (not root, or no CAP_NET_ADMIN /
 * CAP_SYS_ADMIN, as in an unprivileged container). Any other failure throws.
 */
export async function startNetnsHost(options: NetnsHostOptions = {}): Promise<NetnsHost | string> {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  const id = randomBytes(3).toString('hex');
  const ns = options.label ? `hubtray-${options.label}-${id}` : `hubtray-${id}`;
  const short = `h${options.label?.[0] ?? 't'}${id}`;
  const hostEnd = `${short}h`;
  const nsEnd = `${short}n`;
  let subnet: Subnet | undefined;
  let sshd: Sshd | undefined;
  let dir: string | undefined;
  const children: ChildProcess[] = [];
  let linkDown: CutKind | 'throttled' | undefined;
  let stopped = false;

  // The same root qdisc on both ends of the veth; restore() deletes them.
  const qdiscBothEnds = async (...qdisc: string[]) => {
    await tc('qdisc', 'replace', 'dev', hostEnd, 'root', ...qdisc);
    await tc('-n', ns, 'qdisc', 'replace', 'dev', nsEnd, 'root', ...qdisc);
  };
  const routeIs = async (nsIp: string, expected: 'veth' | 'blackhole') => {
    const route = await routeTo(nsIp);
    const ok = expected === 'blackhole' ? route === 'blackhole' : route === `dev ${hostEnd}`;
    if (!ok) throw new Error(`ABORT: ${nsIp} should be ${expected === 'veth' ? `on ${hostEnd}` : 'blackholed'}, but ip route get says: ${route}`);
  };
  // Both ends' entries: an ARP exchange after a restore (the namespace's end forgets this machine while its carrier
  // is off, and took up to 0.5 s to ask again) belongs to the veth, not to what is measured.
  const pinNeighbours = async ({ hostIp, nsIp }: Subnet) => {
    const mac = async (device: string, ...inNamespace: string[]) => {
      const { stdout } = await ip(...inNamespace, '-o', 'link', 'show', 'dev', device);
      const found = /link\/ether ([0-9a-f:]+)/.exec(stdout)?.[1];
      if (!found) throw new Error(`no MAC address in: ${stdout}`);
      return found;
    };
    await ip('neigh', 'replace', nsIp, 'lladdr', await mac(nsEnd, '-n', ns), 'dev', hostEnd, 'nud', 'permanent');
    await ip('-n', ns, 'neigh', 'replace', hostIp, 'lladdr', await mac(hostEnd), 'dev', nsEnd, 'nud', 'permanent');
  };
  const spawnInside = (command: string[], spawnOptions: SpawnOptions = {}) => {
    const child = (options.spawn ?? spawn)('ip', ['netns', 'exec', ns, ...command], spawnOptions);
    children.push(child);
    return child;
  };

  // If the process exits without stop() (the benchmark's children are SIGKILLed by PID first, see bench/proc.ts).
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
    for (const pid of sync('netns', 'pids', ns).split('\n').filter(Boolean).map(Number)) signal(pid, 'SIGKILL');
    sync('netns', 'del', ns);
    sync('link', 'del', hostEnd);
    if (subnet) sync('route', 'del', 'blackhole', subnet.cidr, 'metric', '4000');
  };
  process.on('exit', stopSync);

  const stop = async () => {
    if (stopped) return;
    // What was started here, by PID, leaves first (sshd with its sessions, Jupyter with its kernels); then anything
    // left in the namespace; then anything that ignored SIGTERM.
    await Promise.all([sshd?.stop(), ...children.map((child) => stopTree(child))]);
    await signalAll(ns, 'SIGTERM');
    await signalAll(ns, 'SIGKILL');
    await ip('netns', 'del', ns).catch(() => {});
    await ip('link', 'del', hostEnd).catch(() => {});
    await subnet?.release();
    if (dir) await rm(dir, { recursive: true, force: true });
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

    const hostSshd = (sshd = await startSshd({ ...options.sshd, namespace: { name: ns, address: nsIp }, spawn: options.spawn }));

    let jupyter: NetnsHost['jupyter'];
    if (options.jupyter) {
      const root = (dir = await mkdtemp(path.join(os.tmpdir(), 'hubtray-netns-')));
      const token = randomBytes(16).toString('hex');
      const log = path.join(root, 'jupyter.log');
      // The token goes through the environment, not argv.
      const env = {
        PATH: '/usr/bin:/bin',
        HOME: root,
        JUPYTER_CONFIG_DIR: path.join(root, 'jupyter-config'),
        JUPYTER_DATA_DIR: path.join(root, 'jupyter-data'),
        JUPYTER_RUNTIME_DIR: path.join(root, 'jupyter-runtime'),
        JUPYTER_TOKEN: token,
        PYDEVD_DISABLE_FILE_VALIDATION: '1',
      };
      const args = ['--allow-root', '--no-browser', '--ServerApp.ip=127.0.0.1', `--ServerApp.port=${jupyterPort}`, `--ServerApp.root_dir=${root}`];
      const logFd = openSync(log, 'a');
      try {
        spawnInside(['/usr/bin/jupyter', 'server', ...args], { stdio: ['ignore', logFd, logFd], env });
      } finally {
        closeSync(logFd);
      }
      const output = () => readFile(log, 'utf8').catch(() => '');
      await waitFor(async () => (await output()).includes('is running at'), 'Jupyter', output);
      jupyter = { host: '127.0.0.1', port: jupyterPort, token };
    }

    return {
      namespace: ns,
      address: nsIp,
      hostInterface: hostEnd,
      sshd: hostSshd,
      jupyter,
      spawn: spawnInside,
      async cut(how) {
        if (linkDown) throw new Error('the link is already cut or throttled');
        linkDown = how;
        if (how === 'link-down') {
          await ip('link', 'set', hostEnd, 'down');
          await routeIs(nsIp, 'blackhole');
        } else if (how === 'dead-path') {
          await qdiscBothEnds('blackhole');
          await routeIs(nsIp, 'veth');
        } else {
          await ip('-n', ns, 'link', 'set', nsEnd, 'down');
          await routeIs(nsIp, 'veth');
        }
      },
      async throttle(kbit, { burst = '1600', latency = '60s' } = {}) {
        if (linkDown) throw new Error('the link is already cut or throttled');
        linkDown = 'throttled';
        await qdiscBothEnds('tbf', 'rate', `${kbit}kbit`, 'burst', burst, 'latency', latency);
        await routeIs(nsIp, 'veth');
      },
      async restore() {
        if (linkDown === 'link-down') await ip('link', 'set', hostEnd, 'up');
        if (linkDown === 'silent') await ip('-n', ns, 'link', 'set', nsEnd, 'up');
        if (linkDown === 'dead-path' || linkDown === 'throttled') {
          await tc('qdisc', 'del', 'dev', hostEnd, 'root');
          await tc('-n', ns, 'qdisc', 'del', 'dev', nsEnd, 'root');
        }
        linkDown = undefined;
        // A link going down flushes even permanent neighbour entries.
        await pinNeighbours(reserved);
        await routeIs(nsIp, 'veth');
        // The kernel takes up to a second to notice the carrier and let packets through (until then it drops them,
        // and a TCP connect waits a whole second to resend its SYN): the link is back when it says it is up.
        const operstate = () => readFile(`/sys/class/net/${hostEnd}/operstate`, 'utf8').then((state) => state.trim());
        await waitFor(async () => (await operstate()) === 'up', `${hostEnd} to be up`, operstate);
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
      // Another host took the same /30 a moment ago.
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

async function waitFor(check: () => Promise<boolean>, what: string, detail: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${what} did not come up within 20 s:\n${await detail().catch(() => '')}`);
}

/** Sends `name` to every process still in the namespace, by PID, and waits up to 3 s for them to leave it. */
async function signalAll(ns: string, name: NodeJS.Signals): Promise<void> {
  // A process that has exited (even one nobody reaped yet) is no longer in the namespace's list.
  const inside = async () => (await ip('netns', 'pids', ns).catch(() => ({ stdout: '' }))).stdout.split('\n').filter(Boolean).map(Number);
  const targets = await inside();
  for (const pid of targets) signal(pid, name);
  const deadline = Date.now() + 3000;
  while (targets.length > 0 && Date.now() < deadline && (await inside()).some((pid) => targets.includes(pid))) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
