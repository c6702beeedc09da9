// The benchmark's report: one table of figures and ratios against OpenSSH, the repetitions, and the command lines
// behind them, as Markdown for docs/benchmarks.md.
import type { Bulk, Concurrency, Fleet, Latency, Ports } from './figures.js';
import { idleLabel, type IdleFigures, type IdleResult } from './idle-hub.js';
import type { LinkBulkResult } from './link-bulk.js';
import { sshd2BindingBuilt, type describeMachine } from './machine.js';
import type { RestoreResult, RestoreVariant } from './restore.js';
import { slowPeerMedians, slowPeerTargets, type SlowPeerResult } from './slow-peer.js';
import { startOverheadMedians, startOverheadTarget, type StartOverheadResult } from './start-overhead.js';
import { jumpCutTarget, type JumpCutResult } from './jump-cut.js';
import { cliStartupMedians, cliStartupTargets, type CliStartupResult } from './cli-startup.js';
import { benchIdleTimeout, conditionLabel, cullerConditions, cullerMedians, cullerTarget, expectedChecks, requestsPerMinute, type CullerResult } from './culler-cost.js';
import { MiB, settings } from './settings.js';
import { benchCipher } from './hosts.js';
import { fixed, median, spread } from './stats.js';
import { rel, variantLabel, type Tunnel, type VariantId } from './tunnels.js';

export interface ReportInput {
  machine: ReturnType<typeof describeMachine>;
  ids: VariantId[];
  tunnels: Map<VariantId, Tunnel>;
  up: Map<VariantId, Bulk>;
  down: Map<VariantId, Bulk>;
  echo: Map<VariantId, Latency>;
  api: Map<VariantId, Latency>;
  direct: { echo: Latency; api: Latency };
  many: Map<VariantId, Concurrency>;
  fleets: Map<VariantId, Fleet>;
  halfClose: Map<VariantId, string>;
  linkBulk: LinkBulkResult | string;
  restore: RestoreResult | string;
  ciphers: string[];
  mainConnections: number;
  mainConnectionsAfter: number;
  jupyterCommand: string;
  background: { busyBefore: number; waitedSeconds: number; loadavg: string };
  foreign: Record<string, number>;
  loadavgAfter: string;
  ports: Ports;
  seconds: number;
  /** The far-end servers' script, shown in the command lines. */
  serversScript: string;
  /** Benchmark 6; absent with BENCH_ONLY=tunnels. */
  idle?: IdleResult | string;
  /** Benchmarks 7 and 8; absent with BENCH_ONLY=tunnels. */
  slowPeer?: SlowPeerResult | string;
  startOverhead?: StartOverheadResult | string;
  /** Benchmark 9; absent with BENCH_ONLY=tunnels. */
  jumpCut?: JumpCutResult | string;
  cliStartup?: CliStartupResult | string;
  /** Benchmark 11; absent with BENCH_ONLY=tunnels. */
  culler?: CullerResult | string;
  code: string;
}

export function renderReport(r: ReportInput): string {
  const hub = r.ids.filter((id) => id !== 'openssh');
  const lines: string[] = [];
  const row = (cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
  const ratio = (value: number, base: number) => `${fixed(value / base, 2)}×`;
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');

  lines.push('');
  lines.push(`## hubtray tunnel benchmark vs OpenSSH`);
  lines.push('');
  lines.push(`- machine: ${r.machine.cpu}, ${r.machine.nproc} CPUs, ${r.machine.kernel}`);
  lines.push(`- Node ${process.version}, ssh2 ${r.machine.ssh2}, ${r.machine.openssh}`);
  lines.push(`- cipher negotiated on every connection (from sshd's log): ${r.ciphers.join(', ')}`);
  lines.push(
    `- hubtray under plain Node in this install uses ssh2's ${sshd2BindingBuilt() ? 'native binding' : 'pure-JS path'}; inside Electron it uses the pure-JS path`,
  );
  lines.push(`- code: ${r.code}`);
  lines.push(`- settings: ${JSON.stringify(settings)}`);
  lines.push(
    `- other work on the machine before the run: ${fixed(r.background.busyBefore, 0)} % busy (waited ${fixed(r.background.waitedSeconds, 0)} s); /proc/loadavg before: ${r.background.loadavg}; after: ${r.loadavgAfter}`,
  );
  lines.push(
    `- CPU used by other work on the machine (not this benchmark's processes), % of all CPUs: ${Object.entries(r.foreign)
      .map(([name, value]) => `${name} ${fixed(value, 0)} %`)
      .join(', ')}`,
  );
  lines.push(`- run took ${fixed(r.seconds, 0)} s`);
  lines.push('');
  const header = ['#', 'figure', 'OpenSSH', ...hub.flatMap((id) => [variantLabel(id), 'ratio']), 'target'];
  row(header);
  row(header.map(() => '---'));

  const bulkRow = (label: string, data: Map<VariantId, { mibps: number[] }>, n: string, target: boolean) => {
    const base = median(data.get('openssh')!.mibps);
    row([
      n,
      label,
      fixed(base, 0),
      ...hub.flatMap((id) => {
        const v = median(data.get(id)!.mibps);
        return [fixed(v, 0), `${ratio(v, base)}${target ? ` ${verdict(v / base >= 1.0)}` : ''}`];
      }),
      target ? '≥ 1.0×' : '(extra)',
    ]);
  };
  bulkRow(`bulk upload ${settings.bulkBytes / MiB} MiB to a sink, MiB/s (median of ${settings.bulkReps})`, r.up, '1', true);
  bulkRow(`bulk download ${settings.bulkBytes / MiB} MiB from a source, MiB/s (median of ${settings.bulkReps})`, r.down, '1b', false);
  const cpuRow = (label: string, data: Map<VariantId, Bulk>) => {
    const cell = (id: VariantId) => {
      const b = data.get(id)!;
      const user = median(b.userMsPerMiB);
      const sys = median(b.sysMsPerMiB);
      return { text: `${fixed(user + sys, 2)} (${fixed(user, 2)} / ${fixed(sys, 2)})`, total: user + sys, user };
    };
    const base = cell('openssh');
    row([
      '',
      label,
      base.text,
      ...hub.flatMap((id) => {
        const c = cell(id);
        return [c.text, `${ratio(c.total, base.total)} (user ${ratio(c.user, base.user)})`];
      }),
      '(info)',
    ]);
  };
  const busyRow = (label: string, data: Map<VariantId, Bulk>) =>
    row(['', label, fixed(median(data.get('openssh')!.machineBusy), 0), ...hub.flatMap((id) => [fixed(median(data.get(id)!.machineBusy), 0), '']), '(info)']);
  cpuRow('tunnel client CPU ms per MiB (user / kernel), upload; lower is better', r.up);
  cpuRow('tunnel client CPU ms per MiB (user / kernel), download', r.down);
  busyRow(`whole machine busy during the upload, % of ${r.machine.nproc} CPUs`, r.up);
  busyRow(`whole machine busy during the download, % of ${r.machine.nproc} CPUs`, r.down);
  const link = `a ${settings.linkRateMbit} Mbit/s link`;
  if (typeof r.linkBulk === 'string') {
    row(['1c', `bulk over ${link}`, `not measured: ${r.linkBulk}`, ...hub.flatMap(() => ['—', '']), '≥ 1.0×']);
  } else {
    const asBulk = (data: Map<VariantId, number[]>) => new Map([...data].map(([id, mibps]) => [id, { mibps }]));
    bulkRow(`bulk upload ${settings.bulkBytes / MiB} MiB over ${link}, MiB/s (median of ${settings.linkReps})`, asBulk(r.linkBulk.up), '1c', true);
    bulkRow(`bulk download ${settings.bulkBytes / MiB} MiB over the same link, MiB/s (median of ${settings.linkReps})`, asBulk(r.linkBulk.down), '1d', false);
  }

  const latencyRows = (label: string, data: Map<VariantId, Latency>, directData: Latency, n: string) => {
    for (const p of ['p50', 'p99'] as const) {
      const base = median(data.get('openssh')![p]);
      const target = p === 'p50';
      row([
        p === 'p50' ? n : '',
        `${label} ${p}, ms (median of ${settings.latencyReps} runs; no tunnel: ${fixed(median(directData[p]), 3)})`,
        fixed(base, 3),
        ...hub.flatMap((id) => {
          const v = median(data.get(id)![p]);
          return [fixed(v, 3), `${ratio(v, base)}${target ? ` ${verdict(v / base <= 1.1)}` : ''}`];
        }),
        target ? '≤ 1.1×' : '(reported)',
      ]);
    }
  };
  latencyRows(`1 KiB echo, ${settings.echoIterations} round trips on one connection,`, r.echo, r.direct.echo, '2a');
  latencyRows(`Jupyter GET /api/status, ${settings.httpIterations} on one kept-alive connection,`, r.api, r.direct.api, '2b');

  const manyBase = median(r.many.get('openssh')!.mibps);
  row([
    '3',
    `${settings.concurrent} connections at once through one tunnel, ${settings.concurrentBytes / MiB} MiB each: aggregate MiB/s (median of ${settings.concurrentReps}), errors`,
    `${fixed(manyBase, 0)}, ${r.many.get('openssh')!.errors.length} errors`,
    ...hub.flatMap((id) => {
      const m = r.many.get(id)!;
      const v = median(m.mibps);
      return [`${fixed(v, 0)}, ${m.errors.length} errors`, `${ratio(v, manyBase)} ${verdict(m.errors.length === 0)}`];
    }),
    'no errors',
  ]);

  const fleetCell = (id: VariantId, f: (x: Fleet) => string) => f(r.fleets.get(id)!);
  const fleetTotal = settings.hosts * settings.forwardsPerHost;
  row([
    '4',
    `${fleetTotal} forwards on ${settings.hosts} hosts: forwards answering; SSH connections (client side / sshd side)`,
    fleetCell('openssh', (x) => `${x.forwardsOk}/${fleetTotal}; ${sum(x.clientConnections)} / ${sum(x.serverConnections)}`),
    ...hub.flatMap((id) => {
      const x = r.fleets.get(id);
      if (!x) return ['—', ''];
      const ok = x.forwardsOk === fleetTotal && sum(x.clientConnections) === settings.hosts && x.clientConnections.every((c) => c === 1);
      return [`${x.forwardsOk}/${fleetTotal}; ${sum(x.clientConnections)} / ${sum(x.serverConnections)} (${x.acceptedLogins} logins)`, verdict(ok)];
    }),
    `exactly ${settings.hosts}`,
  ]);
  row([
    '',
    `idle CPU % over ${settings.idleSeconds} s (keepalive every ${settings.keepaliveInterval} s); RSS MiB`,
    fleetCell('openssh', (x) => `${fixed(x.cpuPercent, 2)} %; ${fixed(x.rss, 1)} (${x.processes} processes)`),
    ...hub.flatMap((id) => [r.fleets.has(id) ? fleetCell(id, (x) => `${fixed(x.cpuPercent, 2)} %; ${fixed(x.rss, 1)} (1 process)`) : '—', '']),
    '(reported)',
  ]);
  row([
    '0',
    'TCP half-close passes through (client shuts down its sending side, then reads the reply)',
    r.halfClose.get('openssh')!,
    ...hub.flatMap((id) => [r.halfClose.get(id)!, '']),
    '(correctness; not a speed target)',
  ]);
  restoreRows(r, hub, row);

  lines.push('');
  lines.push('Repetitions (MiB/s, in run order):');
  for (const id of r.ids) {
    lines.push(
      `- ${variantLabel(id)}: upload ${r.up.get(id)!.mibps.map((v) => fixed(v, 0)).join(' ')} (spread ${fixed(spread(r.up.get(id)!.mibps) * 100, 0)} %);` +
        ` download ${r.down.get(id)!.mibps.map((v) => fixed(v, 0)).join(' ')} (spread ${fixed(spread(r.down.get(id)!.mibps) * 100, 0)} %);` +
        ` ${settings.concurrent} at once ${r.many.get(id)!.mibps.map((v) => fixed(v, 0)).join(' ')}`,
    );
  }
  if (typeof r.linkBulk !== 'string') {
    for (const id of r.ids) {
      lines.push(
        `- ${variantLabel(id)} over ${link}: upload ${r.linkBulk.up.get(id)!.map((v) => fixed(v, 0)).join(' ')}; download ${r.linkBulk.down.get(id)!.map((v) => fixed(v, 0)).join(' ')}`,
      );
    }
  }
  if (typeof r.restore !== 'string') {
    const res = r.restore;
    lines.push(`- link restore, seconds from the link being up again to the first echo, in run order:`);
    for (const v of res.variants) {
      lines.push(
        `  - ${restoreLabel(v)}: ${res.usable.get(v)!.map((x) => fixed(x, 2)).join(' ')}; loss noticed ${res.noticed.get(v)!.map((x) => fixed(x, 1)).join(' ')} s after the cut`,
      );
    }
    lines.push(`  - the link itself was up ${res.linkUp.map((x) => fixed(x, 2)).join(' ')} s after the restoring command`);
    lines.push(`  - ssh in the loop said: ${res.sshSaid.slice(0, 6).join(' | ')}`);
  }
  lines.push(`- connections at the tests-1-3 sshd: ${r.mainConnections} before, ${r.mainConnectionsAfter} after the concurrency test (one per tunnel)`);
  for (const id of r.ids) {
    const errors = r.many.get(id)!.errors;
    if (errors.length > 0) lines.push(`- ${variantLabel(id)} errors: ${[...new Set(errors)].slice(0, 5).join('; ')}`);
  }
  lines.push('');
  lines.push('Command lines (ports are this run\'s):');
  lines.push('```');
  lines.push(`# sshd: /usr/sbin/sshd -D -e -f sshd_config   (Ciphers ${benchCipher}, LogLevel DEBUG1, key auth, 127.0.0.1)`);
  lines.push(`# far ends: node ${rel(r.serversScript)} ${fleetTotal}   -> ${JSON.stringify({ ...r.ports, http: `[${r.ports.http.length} ports]` })}`);
  lines.push(`# Jupyter: ${r.jupyterCommand}`);
  lines.push('# tests 1-3, forwards in order: sink, source, echo, Jupyter');
  for (const id of r.ids) lines.push(`[${id}] ${r.tunnels.get(id)!.command}`);
  lines.push('# test 4');
  for (const [id, fleet] of r.fleets) lines.push(`[${id}] ${fleet.command.split('\n').join(`\n[${id}] `)}`);
  if (typeof r.linkBulk !== 'string') {
    lines.push('# test 1c (bench/link-bulk.ts), forwards in order: sink, source, echo');
    lines.push(...r.linkBulk.commands);
  }
  if (typeof r.restore !== 'string') {
    lines.push('# test 5 (bench/restore.ts)');
    lines.push(...r.restore.commands);
  }
  lines.push('# load (bench/load.ts, in the benchmark process): upload = connect, send an 8-byte size, then N bytes, wait for');
  lines.push('# the sink\'s 8-byte count; download = ask the source for N bytes, read to EOF; echo = write 1 KiB, wait for 1 KiB;');
  lines.push('# /api/status = undici Client, one kept-alive connection, header "Authorization: token T".');
  lines.push('```');
  lines.push('');
  if (r.idle !== undefined) lines.push(...idleSection(r.idle));
  if (r.slowPeer !== undefined) lines.push(...slowPeerSection(r.slowPeer));
  if (r.startOverhead !== undefined) lines.push(...startOverheadSection(r.startOverhead));
  if (r.jumpCut !== undefined) lines.push(...jumpCutSection(r.jumpCut));
  if (r.cliStartup !== undefined) lines.push(...cliStartupSection(r.cliStartup));
  if (r.culler !== undefined) lines.push(...cullerSection(r.culler));
  return `${lines.join('\n')}\n`;
}

export interface OnlyReportInput {
  which: 'slow-peer' | 'start-overhead' | 'jump-cut' | 'cli-startup' | 'culler';
  machine: ReturnType<typeof describeMachine>;
  code: string;
  background: { busyBefore: number; waitedSeconds: number; loadavg: string };
  loadavgAfter: string;
  seconds: number;
  /** A source of the Hub newer than its build at the run's end (others at work in the tree), else null. */
  changedDuringRun: string | null;
  slowPeer?: SlowPeerResult | string;
  startOverhead?: StartOverheadResult | string;
  jumpCut?: JumpCutResult | string;
  cliStartup?: CliStartupResult | string;
  culler?: CullerResult | string;
}

/** The report of `BENCH_ONLY=slow-peer`, `start-overhead`, `jump-cut`, `cli-startup` or `culler`: the run's circumstances, then that benchmark. */
export function renderOnlyReport(r: OnlyReportInput): string {
  const lines = [
    '',
    `## hubtray ${r.which} benchmark (BENCH_ONLY=${r.which})`,
    '',
    `- machine: ${r.machine.cpu}, ${r.machine.nproc} CPUs, ${r.machine.kernel}; Node ${process.version}${r.which === 'start-overhead' ? `, ${r.machine.openssh}` : ''}`,
    `- code: ${r.code}`,
    `- settings: ${JSON.stringify(onlySettings[r.which])}`,
    `- other work on the machine before the run: ${fixed(r.background.busyBefore, 0)} % busy (waited ${fixed(r.background.waitedSeconds, 0)} s); /proc/loadavg before: ${r.background.loadavg}; after: ${r.loadavgAfter}`,
    `- run took ${fixed(r.seconds, 0)} s`,
    ...(r.changedDuringRun ? [`- a Hub source changed during the run (others at work; the build checked at its start was measured): ${r.changedDuringRun.replace(/^.*\((.*)\).*$/, '$1')}`] : []),
    '',
    ...(r.slowPeer !== undefined ? slowPeerSection(r.slowPeer) : []),
    ...(r.startOverhead !== undefined ? startOverheadSection(r.startOverhead) : []),
    ...(r.jumpCut !== undefined ? jumpCutSection(r.jumpCut) : []),
    ...(r.cliStartup !== undefined ? cliStartupSection(r.cliStartup) : []),
    ...(r.culler !== undefined ? cullerSection(r.culler) : []),
  ];
  return `${lines.join('\n')}\n`;
}

const onlySettings: Record<OnlyReportInput['which'], Record<string, number>> = {
  'slow-peer': { slowPeerReps: settings.slowPeerReps },
  'start-overhead': { startOverheadReps: settings.startOverheadReps },
  'jump-cut': { jumpCutSeconds: settings.jumpCutSeconds, jumpCutReps: settings.jumpCutReps, keepaliveInterval: settings.keepaliveInterval, keepaliveCountMax: settings.keepaliveCountMax },
  'cli-startup': { cliStartupReps: settings.cliStartupReps },
  culler: { cullerServers: settings.cullerServers, cullerSeconds: settings.cullerSeconds, cullerReps: settings.cullerReps, cullerEvery: settings.cullerEvery },
};

const ms = (values: number[]) => values.map((v) => fixed(v, 0)).join(', ');

/** Benchmark 9: time to a usable tunnel through a jump host after its link to the target was cut. */
function jumpCutSection(result: JumpCutResult | string): string[] {
  const lines: string[] = [];
  const row = (cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push('### 9. Jump↔target cut: a tunnel through a jump host after its link to the target was cut');
  lines.push('');
  if (typeof result === 'string') {
    lines.push(`not measured: ${result}`);
    lines.push('');
    return lines;
  }
  const goal = jumpCutTarget.usableSeconds;
  const seconds = (values: number[]) => values.map((v) => (Number.isFinite(v) ? fixed(v, 2) : 'not back')).join(', ');
  row(['#', `usable after the restore of a ${result.cutSeconds} s cut, median of ${result.usable.get(result.variants[0]!)!.length}`, 'today', 'target', '']);
  row(['---', '---', '---', '---', '---']);
  result.variants.forEach((variant, i) => {
    const m = median(result.usable.get(variant)!);
    const hub = variant !== 'ssh -J loop';
    row([`9${'abc'[i]}`, variant, `${Number.isFinite(m) ? fixed(m, 2) : 'not back'} s`, hub ? `≤ ${goal} s` : '(info)', hub ? (m <= goal ? 'met' : '**missed**') : '']);
  });
  lines.push('');
  for (const variant of result.variants) lines.push(`- ${variant}, s per repetition: ${seconds(result.usable.get(variant)!)}`);
  lines.push(`- the jump host's TCP connects to the target waiting for a SYN answer at each restore: ${result.synSent.join(', ')}`);
  lines.push('');
  lines.push('```');
  lines.push(...result.commands);
  lines.push('```');
  lines.push('');
  return lines;
}

/** Benchmark 7: the same three timings with and without a blackholed Outpost next to the local system. */
function slowPeerSection(result: SlowPeerResult | string): string[] {
  const lines: string[] = [];
  const row = (cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  lines.push('### 7. One slow peer slows nothing else: a `local` system next to a blackholed Outpost');
  lines.push('');
  if (typeof result === 'string') {
    lines.push(`not measured: ${result}`);
    lines.push('');
    return lines;
  }
  const base = slowPeerMedians(result.times.baseline);
  const slow = slowPeerMedians(result.times.outpost);
  const t = slowPeerTargets;
  row(['#', `wall time of the CLI, median of ${result.reps} (each a fresh hubtray serve)`, 'no Outpost (baseline)', 'with the blackholed Outpost', 'ratio', 'target', '']);
  row(['---', '---', '---', '---', '---', '---', '---']);
  row(['7a', '`hubtray systems --json`, cold (the first list since serve started)', `${fixed(base.cold, 0)} ms`, `${fixed(slow.cold, 0)} ms`, `${fixed(slow.cold / base.cold, 2)}×`, `≤ ${t.systemsColdMs} ms`, verdict(slow.cold <= t.systemsColdMs)]);
  row(['7b', '`hubtray systems --json`, warm (right after)', `${fixed(base.warm, 0)} ms`, `${fixed(slow.warm, 0)} ms`, `${fixed(slow.warm / base.warm, 2)}×`, `≤ ${t.warmRatio}× baseline`, verdict(slow.warm <= t.warmRatio * base.warm)]);
  row(['7c', '`hubtray start local-system --name x --json`, until it returns with x running', `${fixed(base.start, 0)} ms`, `${fixed(slow.start, 0)} ms`, `${fixed(slow.start / base.start, 2)}×`, `≤ ${t.startRatio}× baseline`, verdict(slow.start <= t.startRatio * base.start)]);
  lines.push('');
  lines.push(`- the cold list with the Outpost minus the 3000 ms the hub waits at most for a live form the first time: ${fixed(slow.cold - 3000, 0)} ms, the CLI's own part (the target leaves it 500 ms)`);
  lines.push(`- repetitions, ms: baseline cold ${ms(result.times.baseline.systemsCold)}; warm ${ms(result.times.baseline.systemsWarm)}; start ${ms(result.times.baseline.start)}`);
  lines.push(`- repetitions, ms: Outpost cold ${ms(result.times.outpost.systemsCold)}; warm ${ms(result.times.outpost.systemsWarm)}; start ${ms(result.times.outpost.start)}`);
  lines.push(`- the outpost system in the cold list: ${result.times.outpost.outpostProblem ?? '(not recorded)'}`);
  lines.push(`- connections the blackhole accepted over the run: ${result.blackholeConnections}; other work on the machine: ${fixed(result.foreignPercent, 0)} % of all CPUs`);
  lines.push('');
  lines.push('```');
  lines.push(...result.commands);
  lines.push('```');
  lines.push('');
  return lines;
}

/** Benchmark 8: hubtray start on an ssh system against the same Jupyter started by hand over an open ControlMaster. */
function startOverheadSection(result: StartOverheadResult | string): string[] {
  const lines: string[] = [];
  const row = (cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push('### 8. Start overhead on an SSH host: `hubtray start` (ssh2, and the system\'s OpenSSH) against Jupyter started by hand over a ControlMaster');
  lines.push('');
  if (typeof result === 'string') {
    lines.push(`not measured: ${result}`);
    lines.push('');
    return lines;
  }
  const m = startOverheadMedians(result);
  const goal = startOverheadTarget.overheadMs;
  const verdict = (overhead: number) => (overhead <= goal ? 'met' : '**missed**');
  const both = (v: { ssh2: number; openssh: number }) => [`${fixed(v.ssh2, 0)} ms`, `${fixed(v.openssh, 0)} ms`];
  row(['#', `figure, median of ${result.reps}`, 'ssh2', 'openssh', 'target', '']);
  row(['---', '---', '---', '---', '---', '---']);
  row(['8a', '`hubtray start SYSTEM --name sK --json`: spawn of the CLI to its exit, running, URL printed', ...both(m.hubtray), '(info)', '']);
  row(['8b', "by hand: `ssh -S SOCK lab '… jupyter server …'` to the first 200 of /api/status through a forward on the open master", `${fixed(m.byHand, 0)} ms`, '(same)', '(info)', '']);
  row(['8c', 'overhead: 8a − 8b', ...both(m.overhead), `≤ ${goal} ms`, `${verdict(m.overhead.ssh2)} / ${verdict(m.overhead.openssh)}`]);
  row(['', 'of which the CLI\'s fixed cost, at most: `hubtray list --json` against the same serve', `${fixed(m.cliList, 0)} ms`, '(same)', '(info)', '']);
  row(['8d', 'overhead without the CLI\'s fixed cost: 8a − 8b − `hubtray list` (the Hub\'s own part, roughly)', ...both({ ssh2: m.overhead.ssh2 - m.cliList, openssh: m.overhead.openssh - m.cliList }), '(info)', '']);
  lines.push('');
  lines.push(`- repetitions, ms: hubtray ssh2 ${ms(result.hubtray)}; hubtray openssh ${ms(result.hubtrayOpenssh)}; by hand ${ms(result.byHand)}; hubtray list ${ms(result.cliList)}`);
  lines.push(`- warm-up (untimed in the medians): hubtray ${fixed(result.warmup.hubtray, 0)} ms (ssh2), ${fixed(result.warmup.hubtrayOpenssh, 0)} ms (openssh), by hand ${fixed(result.warmup.byHand, 0)} ms`);
  lines.push(`- sshd logins during each timed hubtray start: ssh2 ${result.hubtrayLogins.join(', ')}; openssh ${result.hubtrayOpensshLogins.join(', ')} (0: hubtray reused its SSH connection)`);
  lines.push(`- other work on the machine: ${fixed(result.foreignPercent, 0)} % of all CPUs`);
  lines.push('');
  lines.push('```');
  lines.push(...result.commands);
  lines.push('```');
  lines.push('');
  return lines;
}

export interface IdleReportInput {
  machine: ReturnType<typeof describeMachine>;
  code: string;
  background: { busyBefore: number; waitedSeconds: number; loadavg: string };
  loadavgAfter: string;
  seconds: number;
  idle: IdleResult | string;
}

/** The report of `BENCH_ONLY=idle`: the run's circumstances, then benchmark 6 alone. */
export function renderIdleReport(r: IdleReportInput): string {
  const idleSettings = Object.fromEntries(Object.entries(settings).filter(([key]) => key.startsWith('idleHub')));
  const lines = [
    '',
    '## hubtray idle-hub benchmark (BENCH_ONLY=idle)',
    '',
    `- machine: ${r.machine.cpu}, ${r.machine.nproc} CPUs, ${r.machine.kernel}; Node ${process.version}`,
    `- code: ${r.code}`,
    `- settings: ${JSON.stringify(idleSettings)}`,
    `- other work on the machine before the run: ${fixed(r.background.busyBefore, 0)} % busy (waited ${fixed(r.background.waitedSeconds, 0)} s); /proc/loadavg before: ${r.background.loadavg}; after: ${r.loadavgAfter}`,
    `- run took ${fixed(r.seconds, 0)} s`,
    '',
    ...idleSection(r.idle),
  ];
  return `${lines.join('\n')}\n`;
}

/** Goals of issue "Never lose a server" for an idle hub. */
export const idleTargets = { rssMiB: 80, rssServers: 10, cpuPercent: 0.5, cpuServers: 50 };

/** Benchmark 6: one column per scenario (servers × poll_interval), one row per figure; verdicts where a goal applies. */
function idleSection(idle: IdleResult | string): string[] {
  const lines: string[] = [];
  const row = (cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  lines.push('### 6. Idle hub: `hubtray serve` with N running servers (stand-in Jupyter), left alone');
  lines.push('');
  if (typeof idle === 'string') {
    lines.push(`not measured: ${idle}`);
    lines.push('');
    return lines;
  }
  const figures = idle.figures;
  const window = fixed(median(figures.map((f) => f.windowSeconds)), 0);
  const isDefault = (f: IdleFigures) => f.scenario.pollInterval === null;
  const header = ['#', 'figure', ...figures.map((f) => idleLabel(f.scenario)), 'target'];
  row(header);
  row(header.map(() => '---'));
  const figureRow = (n: string, label: string, cell: (f: IdleFigures) => string, target: string) => row([n, label, ...figures.map(cell), target]);
  figureRow(
    '6a',
    `RSS of the serve process, MiB: VmRSS at the end of the ${window} s window (VmHWM, its peak)`,
    (f) => {
      const text = `${fixed(f.rssMiB, 1)} (${fixed(f.hwmMiB, 1)})`;
      return f.scenario.servers === idleTargets.rssServers ? `${text} ${verdict(f.rssMiB <= idleTargets.rssMiB)}` : text;
    },
    `≤ ${idleTargets.rssMiB} MiB with ${idleTargets.rssServers} servers`,
  );
  figureRow(
    '6b',
    `CPU of the serve process over ${window} s, % of one CPU (utime+stime)`,
    (f) => {
      const text = `${fixed(f.cpuPercent, 2)} %`;
      return f.scenario.servers === idleTargets.cpuServers && isDefault(f) ? `${text} ${verdict(f.cpuPercent < idleTargets.cpuPercent)}` : text;
    },
    `< ${idleTargets.cpuPercent} % with ${idleTargets.cpuServers} servers at the default poll_interval (${idle.defaultPollInterval} s)`,
  );
  figureRow('', '… and its children that ended in the window (cutime+cstime: the polls\' shell scripts), % of one CPU', (f) => `${fixed(f.childCpuPercent, 2)} %`, '(info)');
  figureRow(
    '',
    'polls in the window (servers × window / poll_interval); CPU ms per poll, the process / its children',
    (f) => {
      const per = (percent: number) => fixed((percent / 100) * f.windowSeconds * 1000 / f.pollsEstimated, 1);
      return f.pollsEstimated > 0 ? `≈ ${fixed(f.pollsEstimated, 0)}; ${per(f.cpuPercent)} / ${per(f.childCpuPercent)}` : '0';
    },
    '(info)',
  );
  figureRow(
    '6c',
    'written to HUBTRAY_HOME per minute idle (its files\' inode, size and mtime before and after); files changed',
    (f) => `${bytes(f.homeBytesPerMinute)}; ${f.homeFilesChanged.length} ${verdict(f.homeBytesPerMinute === 0 && f.homeFilesChanged.length === 0)}`,
    'none when nothing changes',
  );
  figureRow(
    '',
    "the kernel's write_bytes per minute (/proc/PID/io: the process and its reaped children; of which its own threads)",
    (f) => `${bytes(f.writeBytesPerMinute)} (${bytes(f.ownWriteBytesPerMinute)})`,
    '(reported)',
  );
  figureRow(
    '',
    'wchar per minute, every write(): files, pipes, sockets (of which its own threads); write calls per minute',
    (f) => `${bytes(f.wcharPerMinute)} (${bytes(f.ownWcharPerMinute)}); ${fixed(f.syscwPerMinute, 0)}`,
    '(reported)',
  );
  figureRow(
    '6d',
    'state.json rewrites per minute idle (renames onto it, fs.watch); state.json size',
    (f) => `${fixed(f.stateRewritesPerMinute, 1)} ${verdict(f.stateRewritesPerMinute === 0)}; ${bytes(f.stateBytes)}`,
    'none when nothing changes',
  );
  figureRow('', 'servers running at the end of the window; time to start all of them', (f) => `${f.running}/${f.scenario.servers}; ${fixed(f.startSeconds, 1)} s`, '(info)');
  figureRow('', 'CPU of all the stand-in servers together, % of one CPU; other work on the machine, % of all CPUs', (f) => `${fixed(f.standInCpuPercent, 2)} %; ${fixed(f.foreignPercent, 0)} %`, '(info)');
  lines.push('');
  lines.push(`Files in HUBTRAY_HOME during each window (fs.watch events; inotify merges repeated "change" events), state.json inodes seen by polling every 100 ms:`);
  for (const f of figures) {
    const events = Object.entries(f.fileEvents)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, count]) => `${name} ×${count}`)
      .join(', ');
    const changed = f.homeFilesChanged.length > 0 ? `files changed: ${f.homeFilesChanged.slice(0, 10).join(', ')}` : 'no file changed';
    lines.push(`- ${idleLabel(f.scenario)}: ${events || 'no events'}; ${changed}; ${f.stateInodesSeen} inode${f.stateInodesSeen === 1 ? '' : 's'}; cancelled_write_bytes ${f.cancelledWriteBytes}`);
  }
  lines.push('');
  lines.push('Command lines:');
  lines.push('```');
  lines.push(...idle.commands);
  lines.push('```');
  lines.push('');
  return lines;
}

function bytes(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value === 0) return '0 B';
  if (value < 1024) return `${fixed(value, 0)} B`;
  if (value < MiB) return `${fixed(value / 1024, 1)} KiB`;
  return `${fixed(value / MiB, 2)} MiB`;
}

function restoreLabel(v: RestoreVariant): string {
  if (v === 'openssh') return 'OpenSSH: while true; do ssh -N -L …; sleep 1; done';
  const [id, netchange] = v.split('+') as [Exclude<VariantId, 'openssh'>, string | undefined];
  return `${variantLabel(id)}${netchange ? ', with pool.networkChanged() at the cut and the restore' : ''}`;
}

/** Rows 5 and 5b: a median (min–max) of seconds from the restore to the first echo, and when the loss was noticed. */
function restoreRows(r: ReportInput, hub: VariantId[], row: (cells: string[]) => void): void {
  const target = '≤ 2 s';
  if (typeof r.restore === 'string') {
    row(['5', 'time to a usable tunnel after a link restore', `not measured: ${r.restore}`, ...hub.flatMap(() => ['—', '']), target]);
    return;
  }
  const res = r.restore;
  const seconds = (values: number[]) =>
    values.every(Number.isFinite) ? `${fixed(median(values), 2)} (${fixed(Math.min(...values), 2)}–${fixed(Math.max(...values), 2)})` : `${fixed(median(values), 2)} (some > 45)`;
  const usable = (v: RestoreVariant) => res.usable.get(v);
  const base = median(usable('openssh')!);
  const cells = (v: RestoreVariant) => {
    const values = usable(v);
    if (!values) return ['—', ''];
    const m = median(values);
    return [seconds(values), `${fixed(m / base, 2)}× ${m <= 2 && values.every(Number.isFinite) ? 'met' : '**missed**'}`];
  };
  const reps = res.linkUp.length;
  const cut = `${settings.restoreCutSeconds} s link cut (${settings.restoreCut})`;
  row([
    '5',
    `time to a usable tunnel after a ${cut}: s from the link being up again to the first echo through the local port, median (min–max) of ${reps}`,
    `${seconds(usable('openssh')!)} (restart loop)`,
    ...hub.flatMap((id) => cells(id as RestoreVariant)),
    target,
  ]);
  if (res.variants.some((v) => v.endsWith('+netchange'))) {
    row([
      '5b',
      'the same, hubtray with pool.networkChanged() at the cut and at the restore (what its network watch reports)',
      '(no such signal)',
      ...hub.flatMap((id) => cells(`${id}+netchange` as RestoreVariant)),
      target,
    ]);
  }
  const noticed = (v: RestoreVariant) => {
    const values = res.noticed.get(v);
    if (!values) return '—';
    const known = values.filter(Number.isFinite);
    return known.length === values.length ? fixed(median(values), 1) : `${fixed(median(known), 1)} (${values.length - known.length} not before the restore)`;
  };
  row([
    '',
    'loss noticed, s after the cut (median): keepalives; with networkChanged, a probe',
    noticed('openssh'),
    ...hub.flatMap((id) => [res.variants.includes(`${id}+netchange` as RestoreVariant) ? `${noticed(id as RestoreVariant)}; with networkChanged ${noticed(`${id}+netchange` as RestoreVariant)}` : noticed(id as RestoreVariant), '']),
    '(info)',
  ]);
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Benchmark 9: whole CLI processes against bare Node, pair by pair. */
function cliStartupSection(result: CliStartupResult | string): string[] {
  const lines: string[] = [];
  const row = (cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  lines.push('### 10. CLI start-up: whole `hubtray` processes against `node -e 0`, interleaved');
  lines.push('');
  if (typeof result === 'string') {
    lines.push(`not measured: ${result}`);
    lines.push('');
    return lines;
  }
  const t = cliStartupTargets;
  row(['#', `command, median of ${result.reps} pairs`, 'wall', 'node -e 0', 'ratio (median of the pairs)', 'peak RSS (node -e 0)', 'target', '']);
  row(['---', '---', '---', '---', '---', '---', '---', '---']);
  for (const [index, command] of result.commands.entries()) {
    const m = cliStartupMedians(command);
    const version = command.args[0] === '--version';
    const ok = m.ratio <= t.ratio && (!version || m.cliPeakMiB <= t.versionPeakMiB);
    const target = version ? `≤ ${t.ratio}×, ≤ ${t.versionPeakMiB} MiB` : `≤ ${t.ratio}×`;
    row([`10${'ab'[index]}`, `\`hubtray ${command.args.join(' ')}\`${version ? '' : ' (a running serve, no servers)'}`, `${fixed(m.cliMs, 0)} ms`, `${fixed(m.nodeMs, 0)} ms`, `${fixed(m.ratio, 2)}×`, `${fixed(m.cliPeakMiB, 1)} MiB (${fixed(m.nodePeakMiB, 1)})`, target, verdict(ok)]);
  }
  lines.push('');
  lines.push(`- other work on the machine: ${fixed(result.foreignPercent, 0)} % of all CPUs`);
  lines.push('');
  lines.push('```');
  lines.push(...result.commandLines);
  lines.push('```');
  lines.push('');
  return lines;
}

/** Benchmark 11: the serve process's CPU and the servers' requests with culling off and on, alternated. */
function cullerSection(result: CullerResult | string): string[] {
  const lines: string[] = [];
  const row = (cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  lines.push("### 11. The idle culler's cost: `hubtray serve` with N idle servers, culling off and on, alternated");
  lines.push('');
  if (typeof result === 'string') {
    lines.push(`not measured: ${result}`);
    lines.push('');
    return lines;
  }
  const s = result.settings;
  const window = median(result.runs.map((r) => r.figures.windowSeconds));
  const off = cullerMedians(result, 'off');
  row(['#', `${s.servers} servers, poll_interval default; median of ${s.reps} (each repetition)`, ...cullerConditions.map((c) => `culling ${conditionLabel(c, s.shortEvery)}`), 'target']);
  row(['---', '---', ...cullerConditions.map(() => '---'), '---']);
  const each = (c: (typeof cullerConditions)[number], value: (f: CullerResult['runs'][number]['figures']) => number, digits: number) =>
    result.runs.filter((r) => r.condition === c).map((r) => fixed(value(r.figures), digits)).join(', ');
  row(['11a', `CPU of the serve process over ${fixed(window, 0)} s, % of one CPU (utime+stime)`, ...cullerConditions.map((c) => `${fixed(cullerMedians(result, c).cpuPercent, 2)} % (${each(c, (f) => f.cpuPercent, 2)})`), '(info)']);
  const goal = s.servers === cullerTarget.servers;
  row([
    '11b',
    "the culler's share: the median's excess over culling off, % of one CPU",
    ...cullerConditions.map((c) => {
      if (c === 'off') return '—';
      const share = cullerMedians(result, c).cpuPercent - off.cpuPercent;
      // The goal is for the default; the short cull_every is there to make the checks' cost show.
      return `${fixed(share, 2)} %${goal && c === 'default' ? ` ${verdict(share < cullerTarget.cpuPercent)}` : ''}`;
    }),
    `< ${cullerTarget.cpuPercent} % with ${cullerTarget.servers} servers at the default cull_every`,
  ]);
  row(['11c', 'requests to the servers per minute, all (GET /api/status; others)', ...cullerConditions.map((c) => { const m = cullerMedians(result, c); return `${fixed(m.requestsPerMinute, 0)} (${fixed(m.statusPerMinute, 0)}; ${fixed(m.otherPerMinute, 0)})`; }), '(info)']);
  row(['', "the culler's checks expected in the window (servers × window / cull_every; none before the first cull_every)", ...cullerConditions.map((c) => fixed(expectedChecks(c, s, window), 0)), 'one request per server per cull_every']);
  row(['', 'requests per minute in each repetition', ...cullerConditions.map((c) => each(c, (f) => requestsPerMinute(f), 0)), '(info)']);
  const short = cullerMedians(result, 'short');
  const checksPerSecond = s.servers / s.shortEvery;
  const msPerCheck = (((short.cpuPercent - off.cpuPercent) / 100) * 1000) / checksPerSecond;
  const atDefault = ((msPerCheck * s.servers) / (benchIdleTimeout / 2) / 1000) * 100;
  // The cull_every at which checks alone cost the goal: servers × CPU per check / goal.
  const everyForGoal = (s.servers * msPerCheck) / 1000 / (cullerTarget.cpuPercent / 100);
  row([
    '11d',
    `CPU per check, from the cull_every ${s.shortEvery} s column (its share / (servers / cull_every)); so at the default cull_every (${benchIdleTimeout / 2} s); and the cull_every at which ${s.servers} servers' checks cost ${cullerTarget.cpuPercent} %`,
    '—',
    '—',
    `${fixed(msPerCheck, 2)} ms; ${fixed(atDefault, 4)} %; ${fixed(everyForGoal, 0)} s`,
    '(info)',
  ]);
  lines.push('');
  lines.push(`- other work on the machine in the windows: ${result.runs.map((r) => `${r.condition} ${fixed(r.figures.foreignPercent, 0)} %`).join(', ')} of all CPUs`);
  lines.push(`- servers running at the end of each window: ${result.runs.map((r) => `${r.figures.running}/${s.servers}`).join(', ')}`);
  lines.push('');
  lines.push('```');
  lines.push(...result.commands);
  lines.push('```');
  lines.push('');
  return lines;
}
