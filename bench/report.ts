// The benchmark's report: one table of figures and ratios against OpenSSH, the repetitions, and the command lines
// behind them, as Markdown for docs/benchmarks.md.
import type { Bulk, Concurrency, Fleet, Latency, Ports } from './figures.js';
import type { LinkBulkResult } from './link-bulk.js';
import { sshd2BindingBuilt, type describeMachine } from './machine.js';
import type { RestoreResult, RestoreVariant } from './restore.js';
import { MiB, settings } from './settings.js';
import { benchCipher } from './sshd.js';
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
  return `${lines.join('\n')}\n`;
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
