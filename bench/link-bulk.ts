// Benchmark 1c: bulk throughput over a link of a given bandwidth, as between a laptop and a cluster, instead of
// loopback.
//
// Tests 1 and 1b run on loopback, where the link costs nothing and throughput is set by the CPU each client spends per
// byte; that is where ssh2's per-packet JavaScript shows. Here the far host is a network namespace (hosts.ts)
// whose veth is limited to `rateMbit` each way (tbf), and each tunnel carries the bulk size up to its sink and down
// from its source, interleaved as in test 1.
import { benchClientConfig, startFarHost } from './hosts.js';
import { download, upload } from './load.js';
import { hubTunnel, openSshTunnel, type KeepaliveSettings, type Tunnel, type VariantId } from './tunnels.js';

/** The link's bandwidth each way; no added delay (the kernels this runs on may lack netem). */
export interface LinkShape {
  rateMbit: number;
}

export interface LinkBulkResult {
  link: LinkShape;
  /** MiB/s per repetition. */
  up: Map<VariantId, number[]>;
  down: Map<VariantId, number[]>;
  commands: string[];
}

const MiB = 1024 * 1024;

export async function measureLinkBulk(options: {
  dir: string;
  serversScript: string;
  keepalive: KeepaliveSettings;
  link: LinkShape;
  bytes: number;
  reps: number;
  ids: VariantId[];
  log: (line: string) => void;
  defer: (step: () => Promise<void>) => void;
}): Promise<LinkBulkResult | string> {
  const { ids, log, defer, link } = options;
  const host = await startFarHost(options.serversScript);
  if (typeof host === 'string') return host;
  defer(() => host.stop());
  // A burst of a few 64 KiB segments (the veth offloads as loopback does), and a queue of up to 50 ms.
  await host.throttle(link.rateMbit * 1000, { burst: '256kb', latency: '50ms' });
  const configPath = await benchClientConfig(options.dir, [{ alias: 'far', sshd: host.sshd }]);
  const remotes = [host.ports.sink, host.ports.source, host.ports.echo];

  const tunnels = new Map<VariantId, Tunnel>();
  for (const id of ids) {
    const tunnel =
      id === 'openssh'
        ? await openSshTunnel(configPath, 'far', remotes, options.keepalive, host.ports.echo)
        : await hubTunnel(id, configPath, remotes.map((port) => ({ host: 'far', port })), options.keepalive);
    defer(() => tunnel.stop());
    tunnels.set(id, tunnel);
  }
  const result: LinkBulkResult = {
    link,
    up: new Map(ids.map((id) => [id, []])),
    down: new Map(ids.map((id) => [id, []])),
    commands: [
      `# far host: network namespace ${host.namespace}, sshd on ${host.address}:22, sink and source on its 127.0.0.1`,
      `# link: tc qdisc replace dev <each veth end> root tbf rate ${link.rateMbit * 1000}kbit burst 256kb latency 50ms`,
      ...[...tunnels].map(([id, t]) => `[${id}] ${t.command}`),
    ],
  };
  const mibps = (seconds: number) => options.bytes / MiB / seconds;
  for (let rep = 0; rep < options.reps; rep++) {
    for (const id of ids.map((_, i) => ids[(i + rep) % ids.length]!)) {
      const [sink, source] = tunnels.get(id)!.ports;
      result.up.get(id)!.push(mibps(await upload(sink!, options.bytes)));
      result.down.get(id)!.push(mibps(await download(source!, options.bytes)));
    }
    log(`  link rep ${rep + 1}: ${ids.map((id) => `${id} ↑${result.up.get(id)!.at(-1)!.toFixed(0)} ↓${result.down.get(id)!.at(-1)!.toFixed(0)}`).join('  ')} MiB/s`);
  }
  for (const t of tunnels.values()) await t.stop();
  return result;
}
