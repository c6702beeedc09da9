// Benchmark 5: the time from a link restore to the first request that gets through a tunnel again.
//
// The far host is a network namespace (hosts.ts) running sshd and an echo server. Its link is cut for
// `cutSeconds`, longer than either client needs to notice the loss through its keepalives (5 s × 3), then restored.
// From the moment the kernel reports the link up again, every tunnel's local port is tried with a fresh connection and
// a 32-byte echo (2 s per try, 50 ms between tries), until one comes back. All tunnels share each cut, so the figures
// of one repetition are made under the same conditions.
//
// - OpenSSH: a restart loop as autossh users run it, `sh -c 'while true; do ssh -N … -L …; sleep 1; done'`, with
//   the benchmark's ssh options (ServerAliveInterval=5, ServerAliveCountMax=3, ExitOnForwardFailure=yes).
// - hubtray: its tunnel process (tunnel-host.ts), one SshPool.forwardLocal, nothing else: the forward keeps its port
//   and the link reconnects with backoff; a connection to the port while it reconnects waits for it and brings the
//   next attempt forward.
// - hubtray + networkChanged: the same, and pool.networkChanged() at the cut and at the restore, as the Hub's
//   network watch calls it when the local addresses change (only with a link-down cut: a silent one changes nothing
//   locally).
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { sleep, startChild } from './proc.js';
import { stopTree } from '../testkit/process-tree.js';
import { randomPort as freePort } from '../electron/core/net/random-port.js';
import type { CutKind } from '../testkit/netns-host.js';
import { benchClientConfig, startFarHost } from './hosts.js';
import type { TunnelHostHealth } from './tunnel-host.js';
import { hubTunnel, shellWord, sshArgs, type HubTunnel, type KeepaliveSettings, type VariantId } from './tunnels.js';

/** The cuts a tunnel must notice by its keepalives: nothing tells this machine of a dead path. */
export type RestoreCut = Extract<CutKind, 'link-down' | 'dead-path'>;

export interface RestoreSettings {
  cutSeconds: number;
  reps: number;
  kind: RestoreCut;
}

/** 'openssh' (the loop), 'native', 'js', 'native+netchange', 'js+netchange'. */
export type RestoreVariant = VariantId | `${Exclude<VariantId, 'openssh'>}+netchange`;

export interface RestoreResult {
  variants: RestoreVariant[];
  /** Seconds from the restore to the first echo through the tunnel, per repetition; Infinity: not within the limit. */
  usable: Map<RestoreVariant, number[]>;
  /** Seconds from the cut until the client gave up its connection; NaN: not before the restore. */
  noticed: Map<RestoreVariant, number[]>;
  /** Seconds from the restoring command (`ip link set … up`, `tc qdisc del`) until the kernel reported the link up. */
  linkUp: number[];
  /** What ssh said on its way out, each distinct line once. */
  sshSaid: string[];
  commands: string[];
}

/** How long after a restore a tunnel may take before the repetition counts it as not back. */
const usableLimitMs = 45_000;

export async function measureRestore(options: {
  dir: string;
  serversScript: string;
  keepalive: KeepaliveSettings;
  settings: RestoreSettings;
  hubIds: Array<Exclude<VariantId, 'openssh'>>;
  log: (line: string) => void;
  /** Registers a clean-up step for the benchmark's end, its failure and Ctrl-C. */
  defer: (step: () => Promise<void>) => void;
}): Promise<RestoreResult | string> {
  const { settings, log, defer } = options;
  const host = await startFarHost(options.serversScript);
  if (typeof host === 'string') return host;
  defer(() => host.stop());
  const configPath = await benchClientConfig(options.dir, [{ alias: 'far', sshd: host.sshd }]);
  const echo = host.ports.echo;

  const loop = await SshLoop.start(sshArgs(configPath, options.keepalive, [{ local: await freePort(), remote: echo }], 'far'));
  defer(() => loop.stop());
  const hubs = new Map<RestoreVariant, HubTunnel & { events: TunnelHostHealth[] }>();
  const withEvents = settings.kind === 'link-down' ? [false, true] : [false];
  for (const netchange of withEvents) {
    for (const id of options.hubIds) {
      const tunnel = await hubTunnel(id, configPath, [{ host: 'far', port: echo }], options.keepalive, { reportHealth: true });
      defer(() => tunnel.stop());
      const events: TunnelHostHealth[] = [];
      createInterface({ input: tunnel.child.stdout! }).on('line', (line) => {
        if (line.startsWith('{"health"')) events.push(JSON.parse(line) as TunnelHostHealth);
      });
      hubs.set(netchange ? `${id}+netchange` : id, { ...tunnel, events });
    }
  }
  const variants: RestoreVariant[] = ['openssh', ...hubs.keys()];
  const portOf = (v: RestoreVariant) => (v === 'openssh' ? loop.localPort : hubs.get(v)!.ports[0]!);
  const networkChanged = () => {
    for (const [v, hub] of hubs) if (v.endsWith('+netchange')) hub.child.stdin!.write('network-changed\n');
  };

  const result: RestoreResult = {
    variants,
    usable: new Map(variants.map((v) => [v, []])),
    noticed: new Map(variants.map((v) => [v, []])),
    linkUp: [],
    sshSaid: [],
    commands: [
      `# far host: network namespace ${host.namespace}, sshd on ${host.address}:22 (testkit/sshd.ts, in the namespace), echo server on its 127.0.0.1:${echo}`,
      settings.kind === 'link-down'
        ? `# cut: ip link set <this machine's veth end> down; ${settings.cutSeconds} s; then up again`
        : `# cut: tc qdisc replace dev <each veth end> root blackhole; ${settings.cutSeconds} s; then tc qdisc del … root`,
      `[openssh loop] ${loop.command}`,
      ...[...hubs].map(([v, hub]) => `[${v}] ${hub.command}${v.endsWith('+netchange') ? '   (stdin: "network-changed" at the cut and the restore)' : ''}`),
    ],
  };

  for (let rep = 0; rep < settings.reps; rep++) {
    // Every tunnel works, and has settled, before the cut.
    const ready = await Promise.all(variants.map((v) => secondsUntilUsable(portOf(v), performance.now(), 60_000)));
    const notBack = variants.filter((_, i) => !Number.isFinite(ready[i]!));
    if (notBack.length > 0) throw new Error(`link restore: ${notBack.join(', ')} did not work within 60 s before cut ${rep + 1}`);
    await sleep(2000);

    const cutAt = Date.now();
    const cutPerf = performance.now();
    await host.cut(settings.kind);
    if (settings.kind === 'link-down') networkChanged();
    await sleep(cutPerf + settings.cutSeconds * 1000 - performance.now());
    const restoring = performance.now();
    await host.restore();
    const restored = performance.now();
    const restoredAt = Date.now();
    if (settings.kind === 'link-down') networkChanged();
    result.linkUp.push((restored - restoring) / 1000);

    const times = await Promise.all(variants.map((v) => secondsUntilUsable(portOf(v), restored, usableLimitMs)));
    variants.forEach((v, i) => result.usable.get(v)!.push(times[i]!));
    for (const v of variants) {
      const lost = v === 'openssh' ? loop.timeouts.find((at) => at > cutAt) : hubs.get(v)!.events.find((e) => e.at > cutAt && e.health.state === 'reconnecting')?.at;
      result.noticed.get(v)!.push(lost !== undefined && lost <= restoredAt ? (lost - cutAt) / 1000 : NaN);
    }
    log(
      `  restore ${rep + 1}: link up ${(result.linkUp.at(-1) ?? 0).toFixed(2)} s after the restoring command; usable after ` +
        variants.map((v, i) => `${v} ${times[i]!.toFixed(2)} s`).join(', '),
    );
  }
  result.sshSaid = [...new Set(loop.said)];
  return result;
}

/**
 * Seconds from `since` to the end of the first echo through 127.0.0.1:port; each try a fresh connection, as a browser
 * would open one. Infinity if none came back within limitMs.
 */
export async function secondsUntilUsable(port: number, since: number, limitMs: number): Promise<number> {
  for (;;) {
    if (await echoOnce(port, 2000)) return (performance.now() - since) / 1000;
    if (performance.now() - since > limitMs) return Infinity;
    await sleep(50);
  }
}

function echoOnce(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const payload = Buffer.alloc(32, 0x42);
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    let got = 0;
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => socket.write(payload));
    socket.on('data', (data: Buffer) => {
      got += data.length;
      if (got >= payload.length) done(true);
    });
    socket.once('error', () => done(false));
    socket.once('close', () => done(got >= payload.length));
  });
}

/**
 * `sh -c 'while true; do ssh …; sleep 1; done'`, exactly as a user would run it. ssh's stderr is read to learn when
 * it gave up a connection ("Timeout, server … not responding.") and what it said when it could not connect.
 */
export class SshLoop {
  /** Epoch ms of each "Timeout, server … not responding." */
  readonly timeouts: number[] = [];
  readonly said: string[] = [];

  private constructor(
    private readonly child: ReturnType<typeof startChild>,
    readonly command: string,
    readonly localPort: number,
  ) {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      if (/not responding/.test(line)) this.timeouts.push(Date.now());
      this.said.push(line.replace(/\d+\.\d+\.\d+\.\d+/g, 'ADDRESS').trim());
    });
  }

  static async start(args: string[]): Promise<SshLoop> {
    const localPort = Number(/^127\.0\.0\.1:(\d+):/.exec(args[args.indexOf('-L') + 1]!)?.[1]);
    const script = `while true; do ssh ${args.map(shellWord).join(' ')}; sleep 1; done`;
    const child = startChild('sh', ['-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    const loop = new SshLoop(child, `sh -c ${shellWord(script)}`, localPort);
    if (!Number.isFinite(await secondsUntilUsable(localPort, performance.now(), 15_000))) {
      await loop.stop();
      throw new Error(`the ssh loop's forward did not come up within 15 s: ${loop.said.join(' / ')}`);
    }
    return loop;
  }

  stop(): Promise<void> {
    return stopTree(this.child, 'SIGTERM', { freeze: true });
  }
}
