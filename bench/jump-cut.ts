// Benchmark 9: the time from the restore of a jump host's link to the target behind it until a tunnel through the
// jump host is usable again; only that inner link is cut, this machine's path to the jump host stays fine.
//
// Two network namespaces (hosts.ts): the jump host (sshd only) and the far host (sshd and the echo server on its own
// 127.0.0.1), joined by a veth pair of their own (testkit/inner-link.ts), the only way from the jump host to the far
// host. The ssh config has `Host behind` with `ProxyJump jump`. The inner link is cut as a dead path (a blackhole
// qdisc on both ends) for `cutSeconds`, then restored; from the restore, every tunnel's local port is tried with a
// fresh connection and a 32-byte echo (as benchmark 5, restore.ts) until one comes back. All tunnels share each cut.
//
// - OpenSSH: the restart loop of benchmark 5, `sh -c 'while true; do ssh -N … -L … behind; sleep 1; done'`, the hop
//   through the jump host being the config's ProxyJump (what `ssh -J jump` does).
// - hubtray with ssh2 and with the system's OpenSSH (ssh_transport "openssh"): its tunnel process (tunnel-host.ts),
//   one SshPool.forwardLocal to `behind`.
import { performance } from 'node:perf_hooks';
import { randomPort as freePort } from '../electron/core/net/random-port.js';
import { innerLink, jumpSynSent } from '../testkit/inner-link.js';
import { benchClientConfig, startFarHost, startJumpHost } from './hosts.js';
import { sleep } from './proc.js';
import { secondsUntilUsable, SshLoop } from './restore.js';
import { hubTunnel, sshArgs, type KeepaliveSettings, type Tunnel } from './tunnels.js';

export type JumpCutVariant = 'ssh -J loop' | 'hubtray ssh2' | 'hubtray openssh';

export interface JumpCutResult {
  cutSeconds: number;
  variants: JumpCutVariant[];
  /** Seconds from the restore to the first echo through the tunnel, per repetition; Infinity: not within the limit. */
  usable: Map<JumpCutVariant, number[]>;
  /** The jump host's TCP connects to the target still waiting for a SYN answer just before each restore. */
  synSent: number[];
  commands: string[];
}

/** Goal: usable this long after the restore, for hubtray. */
export const jumpCutTarget = { usableSeconds: 2 };

/** How long after a restore a tunnel may take before the repetition counts it as not back. */
const usableLimitMs = 90_000;

export async function measureJumpCut(options: {
  dir: string;
  serversScript: string;
  keepalive: KeepaliveSettings;
  cutSeconds: number;
  reps: number;
  log: (line: string) => void;
  defer: (step: () => Promise<void>) => void;
}): Promise<JumpCutResult | string> {
  const { log, defer, cutSeconds } = options;
  const jump = await startJumpHost();
  if (typeof jump === 'string') return jump;
  defer(() => jump.stop());
  const far = await startFarHost(options.serversScript);
  if (typeof far === 'string') return far;
  defer(() => far.stop());
  const link = await innerLink(jump, far);
  defer(() => link.restore());
  const configPath = await benchClientConfig(options.dir, [
    { alias: 'jump', sshd: jump.sshd },
    { alias: 'behind', sshd: far.sshd, extra: ['ProxyJump jump'] },
  ]);
  const echo = far.ports.echo;

  const loop = await SshLoop.start(sshArgs(configPath, options.keepalive, [{ local: await freePort(), remote: echo }], 'behind'));
  defer(() => loop.stop());
  const hub = async (transport: 'ssh2' | 'openssh'): Promise<Tunnel> => {
    const tunnel = await hubTunnel('native', configPath, [{ host: 'behind', port: echo }], options.keepalive, { transport });
    defer(() => tunnel.stop());
    return tunnel;
  };
  const ports = new Map<JumpCutVariant, number>([
    ['ssh -J loop', loop.localPort],
    ['hubtray ssh2', (await hub('ssh2')).ports[0]!],
    ['hubtray openssh', (await hub('openssh')).ports[0]!],
  ]);
  const variants = [...ports.keys()];
  const result: JumpCutResult = {
    cutSeconds,
    variants,
    usable: new Map(variants.map((v) => [v, []])),
    synSent: [],
    commands: [
      `# jump host: namespace ${jump.namespace}, sshd on ${jump.address}:22; far host: namespace ${far.namespace}, sshd on ${far.address}:22, echo server on its 127.0.0.1:${echo}`,
      `# inner link: a veth pair between the two namespaces only; the jump host routes ${far.address} over it (testkit/inner-link.ts)`,
      `# config: Host jump, Host behind (ProxyJump jump), each with the benchmark's Ciphers (bench/hosts.ts)`,
      `# cut: tc qdisc replace dev <each inner veth end> root blackhole; ${cutSeconds} s; then tc qdisc del … root`,
      `[ssh -J loop] ${loop.command}`,
      `[hubtray ssh2 / openssh] node dist/bench/tunnel-host.js '{"forwards":[{"host":"behind","port":${echo}}],"transport":"ssh2" | "openssh",…}'`,
    ],
  };

  for (let rep = 0; rep < options.reps; rep++) {
    const ready = await Promise.all(variants.map((v) => secondsUntilUsable(ports.get(v)!, performance.now(), 60_000)));
    const notBack = variants.filter((_, i) => !Number.isFinite(ready[i]!));
    if (notBack.length > 0) throw new Error(`jump↔target cut: ${notBack.join(', ')} did not work within 60 s before cut ${rep + 1}`);
    await sleep(2000);

    const cutAt = performance.now();
    await link.cut();
    await sleep(cutAt + cutSeconds * 1000 - performance.now());
    result.synSent.push(await jumpSynSent(jump, far));
    await link.restore();
    const restored = performance.now();
    const times = await Promise.all(variants.map((v) => secondsUntilUsable(ports.get(v)!, restored, usableLimitMs)));
    variants.forEach((v, i) => result.usable.get(v)!.push(times[i]!));
    log(`  jump cut ${rep + 1}: usable after ${variants.map((v, i) => `${v} ${times[i]!.toFixed(2)} s`).join(', ')} (${result.synSent.at(-1)} SYN of the jump host waiting at the restore)`);
  }
  return result;
}
