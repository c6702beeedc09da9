// `npm run bench:ssh2-patch`: what hubtray's ssh2 patch (patches/ssh2+*.patch) changes, measured. ssh2 as installed
// (patched) against an unpatched copy made for the run (the installed one with the patch reversed), each with its
// native binding and on its pure-JS path (as in Electron), next to OpenSSH's `ssh -N -L`, all to the same sshd with
// the benchmark's cipher. Rounds are interleaved, each variant's order rotated, so drift on the machine spreads over
// all of them. Per round and variant: the p50 of 2000 round trips of 1 KiB, and the tunnel process's CPU time per MiB
// while it carries 128 MiB up to a sink. Prints medians and every value.
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopTree } from '../testkit/process-tree.js';
import { echoRoundTrips, upload } from './load.js';
import { cpuSeconds, killAllSync, readyLine, startChild } from './proc.js';
import { benchClientConfig, startBenchSshd } from './hosts.js';
import type { ForwarderSpec } from './ssh2-forwarder.js';
import { fixed, median } from './stats.js';
import { openSshTunnel, repoRoot } from './tunnels.js';

const MiB = 1024 * 1024;
const rounds = Number(process.env.BENCH_REPS ?? 8);
const uploadMiB = 128;
const here = path.dirname(fileURLToPath(import.meta.url));
process.on('exit', killAllSync);

const work = await mkdtemp(path.join(os.tmpdir(), 'hubtray-bench-ssh2-'));
const installed = path.join(repoRoot, 'node_modules', 'ssh2');
// Inside node_modules, so that the copy finds ssh2's own dependencies as the installed one does.
const unpatched = path.join(repoRoot, 'node_modules', '.cache', 'hubtray-bench', 'ssh2-unpatched');
await rm(unpatched, { recursive: true, force: true });
await cp(installed, unpatched, { recursive: true });
const patches = (await readdir(path.join(repoRoot, 'patches'))).filter((f) => f.startsWith('ssh2+'));
for (const patch of patches) execFileSync('patch', ['-R', '-s', '-p3', '-d', unpatched, '-i', path.join(repoRoot, 'patches', patch)]);

const sshd = await startBenchSshd();
const servers = startChild(process.execPath, [path.join(here, 'servers.js'), '0']);
const ports = await readyLine<{ echo: number; sink: number }>(servers, 'the far-end servers');
const configPath = await benchClientConfig(work, [{ alias: 'bench0', sshd }]);
const remotes = [ports.echo, ports.sink];

/** A tunnel process with a forward to the echo server and one to the sink, in that order. */
interface Variant {
  name: string;
  pid: number;
  ports: number[];
  stop(): Promise<void>;
}
const openssh = await openSshTunnel(configPath, 'bench0', remotes, { keepaliveInterval: 5, keepaliveCountMax: 3 }, ports.echo);
const variants: Variant[] = [{ name: 'OpenSSH ssh -N -L', pid: openssh.pids[0]!, ports: openssh.ports, stop: openssh.stop }];
for (const [label, ssh2Dir] of [['patched', installed], ['unpatched', unpatched]] as const) {
  for (const pureJs of [false, true]) {
    const spec: ForwarderSpec = { ssh2Dir, pureJs, port: sshd.port, keyPath: sshd.clientKeyPath, remotePorts: remotes };
    const child = startChild(process.execPath, [path.join(here, 'ssh2-forwarder.js'), JSON.stringify(spec)]);
    const ready = await readyLine<{ localPorts: number[]; bindingAvailable: boolean }>(child, `ssh2 ${label}`);
    if (ready.bindingAvailable === pureJs) throw new Error(`ssh2 ${label}: the native binding is ${pureJs ? '' : 'not '}loaded`);
    const name = `ssh2 ${label}, ${pureJs ? 'pure JS' : 'native binding'}`;
    variants.push({ name, pid: child.pid!, ports: ready.localPorts, stop: () => stopTree(child) });
  }
}

const echoP50 = new Map(variants.map((v) => [v.name, [] as number[]]));
const cpuPerMiB = new Map(variants.map((v) => [v.name, [] as number[]]));
for (let round = 0; round < rounds; round++) {
  for (const { name, pid, ports: [echoPort, sinkPort] } of variants.map((_, i) => variants[(i + round) % variants.length]!)) {
    await echoRoundTrips(echoPort!, 300, 1000);
    echoP50.get(name)!.push(median(await echoRoundTrips(echoPort!, 2000, 3000)));
    const before = await cpuSeconds(pid);
    await upload(sinkPort!, uploadMiB * MiB);
    cpuPerMiB.get(name)!.push(((await cpuSeconds(pid)) - before) * 1000 / uploadMiB);
  }
  process.stderr.write(`[bench] round ${round + 1} of ${rounds}\n`);
}

const base = { echo: median(echoP50.get(variants[0]!.name)!), cpu: median(cpuPerMiB.get(variants[0]!.name)!) };
const lines = [
  `ssh2 ${execFileSync(process.execPath, ['-p', `require(${JSON.stringify(path.join(installed, 'package.json'))}).version`], { encoding: 'utf8' }).trim()}, patches: ${patches.join(', ')}; ${rounds} interleaved rounds`,
  '',
  '| variant | 1 KiB echo p50, ms (median) | ratio to OpenSSH | tunnel CPU ms per MiB, 128 MiB upload (median) | ratio to OpenSSH |',
  '| --- | --- | --- | --- | --- |',
  ...variants.map(({ name }) => {
    const echo = median(echoP50.get(name)!);
    const cpu = median(cpuPerMiB.get(name)!);
    return `| ${name} | ${fixed(echo, 3)} | ${fixed(echo / base.echo, 2)}× | ${fixed(cpu, 2)} | ${fixed(cpu / base.cpu, 2)}× |`;
  }),
  '',
  'Every round, in run order:',
  ...variants.map(({ name }) => `- ${name}: echo p50 ${echoP50.get(name)!.map((v) => fixed(v, 3)).join(' ')}; CPU ms/MiB ${cpuPerMiB.get(name)!.map((v) => fixed(v, 2)).join(' ')}`),
  '',
];
process.stdout.write(`${lines.join('\n')}\n`);

for (const variant of variants) await variant.stop();
await stopTree(servers);
await sshd.stop();
await rm(work, { recursive: true, force: true });
await rm(unpatched, { recursive: true, force: true });
