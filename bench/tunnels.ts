// The tunnels under test: OpenSSH's `ssh -N -L`, and hubtray's SshPool in a Node process of its own
// (bench/tunnel-host.ts), with ssh2's native binding or its pure-JS path. Both use the same ssh_config, known_hosts
// and keepalive settings. Everything started here is stopped by PID (proc.ts).
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { echoRoundTrips, getEach } from './load.js';
import { readyLine, sleep, startChild } from './proc.js';
import { stopTree } from '../testkit/process-tree.js';
import { benchCipher } from './hosts.js';
import type { TunnelHostReady, TunnelHostSpec } from './tunnel-host.js';

/** 'openssh', or hubtray with ssh2's native binding ('native') or its pure-JS path, as in Electron ('js'). */
export type VariantId = 'openssh' | 'native' | 'js';
export const allVariants: VariantId[] = ['openssh', 'native', 'js'];

export function variantLabel(id: VariantId): string {
  if (id === 'openssh') return 'OpenSSH ssh -N -L';
  return `hubtray, ssh2 ${id === 'native' ? 'native binding' : 'pure JS (as in Electron)'}`;
}

export interface KeepaliveSettings {
  keepaliveInterval: number;
  keepaliveCountMax: number;
}

export interface Tunnel {
  id: VariantId;
  command: string;
  pids: number[];
  ports: number[];
  stop(): Promise<void>;
}

export interface HubTunnel extends Tunnel {
  /** tunnel-host.ts: reads commands on its stdin and, if asked, reports health changes on its stdout. */
  child: ChildProcess;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const tunnelHostScript = path.join(here, 'tunnel-host.js');
export const repoRoot = path.resolve(here, '..', '..');
export const rel = (file: string) => path.relative(repoRoot, file);

/** ssh's arguments as the benchmark runs it: the cipher under test, no multiplexing, hubtray's keepalive. */
export function sshArgs(configPath: string, keepalive: KeepaliveSettings, forwards: Array<{ local: number; remote: number }>, alias: string): string[] {
  return [
    '-N',
    '-F',
    configPath,
    '-c',
    benchCipher,
    '-o',
    'BatchMode=yes',
    '-o',
    'ExitOnForwardFailure=yes',
    '-o',
    'ControlMaster=no',
    '-o',
    'ControlPath=none',
    '-o',
    `ServerAliveInterval=${keepalive.keepaliveInterval}`,
    '-o',
    `ServerAliveCountMax=${keepalive.keepaliveCountMax}`,
    ...forwards.flatMap(({ local, remote }) => ['-L', `127.0.0.1:${local}:127.0.0.1:${remote}`]),
    alias,
  ];
}

/**
 * `ssh -N -L` for each of `remotePorts` (on the far side's 127.0.0.1); resolves once its forwards answer: a round
 * trip through the echo forward if `probePort` names one, else a GET through the last forward.
 */
export async function openSshTunnel(
  configPath: string,
  alias: string,
  remotePorts: number[],
  keepalive: KeepaliveSettings,
  probePort?: number,
): Promise<Tunnel> {
  const localPorts = await freePorts(remotePorts.length);
  const args = sshArgs(
    configPath,
    keepalive,
    remotePorts.map((remote, i) => ({ local: localPorts[i]!, remote })),
    alias,
  );
  const child = startChild('ssh', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 15_000;
  // ssh opens its listeners after login; a round trip through the echo forward (or a GET) shows they are up.
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ssh exited (${child.exitCode}): ${stderr}`);
    const up =
      probePort !== undefined
        ? await echoRoundTrips(localPorts[remotePorts.indexOf(probePort)]!, 1).then(
            () => true,
            () => false,
          )
        : await getEach([localPorts.at(-1)!]).then(
            (ok) => ok === 1,
            () => false,
          );
    if (up) break;
    if (Date.now() > deadline) {
      await stopTree(child);
      throw new Error(`ssh's forwards did not come up within 15 s: ${stderr}`);
    }
    await sleep(100);
  }
  return {
    id: 'openssh',
    command: `ssh ${args.map(shellWord).join(' ')}`,
    pids: [child.pid!],
    ports: localPorts,
    stop: () => stopTree(child),
  };
}

/**
 * hubtray's SshPool in its own process (tunnel-host.ts) with one forwardLocal per entry of `forwards`; resolves once
 * they are up. With BENCH_CPU_PROF=DIR it runs under `node --cpu-prof` and writes its profile to DIR.
 */
export async function hubTunnel(
  id: Exclude<VariantId, 'openssh'>,
  configPath: string,
  forwards: Array<{ host: string; port: number }>,
  keepalive: KeepaliveSettings,
  options: { reportHealth?: boolean; transport?: TunnelHostSpec['transport'] } = {},
): Promise<HubTunnel> {
  const spec: TunnelHostSpec = {
    configPath,
    forwards,
    keepaliveIntervalSeconds: keepalive.keepaliveInterval,
    keepaliveCountMax: keepalive.keepaliveCountMax,
    ...(options.reportHealth ? { reportHealth: true } : {}),
    ...(options.transport ? { transport: options.transport } : {}),
  };
  const pureJs = id === 'js';
  const env = { ...process.env };
  delete env.HUBTRAY_BENCH_CRYPTO;
  if (pureJs) env.HUBTRAY_BENCH_CRYPTO = 'js';
  const profDir = process.env.BENCH_CPU_PROF;
  const profName = `tunnel-${id}-${forwards.length}-${Date.now()}.cpuprofile`;
  const nodeArgs = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${profName}`] : [];
  const child = startChild(process.execPath, [...nodeArgs, tunnelHostScript, JSON.stringify(spec)], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const ready = await readyLine<TunnelHostReady>(child, `hubtray tunnel (${id})`);
  if (ready.bindingAvailable === pureJs) {
    await stopTree(child);
    throw new Error(`hubtray tunnel (${id}): ssh2's native binding is ${ready.bindingAvailable ? '' : 'not '}loaded`);
  }
  const shownSpec = JSON.stringify({ ...spec, forwards: forwards.length > 6 ? `[${forwards.length} forwards]` : forwards });
  return {
    id,
    command: [...(pureJs ? ['HUBTRAY_BENCH_CRYPTO=js'] : []), 'node', ...nodeArgs, rel(tunnelHostScript), shellWord(shownSpec)].join(' '),
    pids: [child.pid!],
    ports: ready.localPorts,
    child,
    stop: () => stopTree(child),
  };
}

export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `count` distinct ports that were free a moment ago: all are held open together, so none repeats. */
async function freePorts(count: number): Promise<number[]> {
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
