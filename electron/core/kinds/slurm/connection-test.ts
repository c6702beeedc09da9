// "Test connection" for a Slurm cluster: log in to the login node as a start would, then, in the same script as the
// Jupyter checks of every shell host, ask Slurm for its version and its partitions with their state (sinfo, through
// the system's exec_prefix). The Jupyter command is checked on the login node: compute nodes usually share its
// software, but a start is what proves it.
import type { ConnectionReport } from '../../../../shared/api.js';
import type { SlurmSystemConfig } from '../../../../shared/config.js';
import { testShellHost, type ExtraCheck } from '../../shell-spawner/command-check.js';
import { hostKeyReport } from '../../shell-spawner/host-key-report.js';
import type { ShellHost } from '../../shell-spawner/shell-spawner.js';
import { shellQuote } from '../../ssh/shell-quote.js';
import type { SshPool } from '../../ssh/ssh-pool.js';
import { sshTarget, sshTargetKey } from '../../ssh/ssh-target.js';

/** Partitions named in the report; the rest are counted. */
const shownPartitions = 12;

export function testSlurmConnection(config: SlurmSystemConfig, pool: SshPool): Promise<ConnectionReport> {
  const target = sshTarget(config);
  const loginNode: ShellHost = {
    label: `Slurm login node ${config.host}`,
    key: `ssh:${sshTargetKey(target)}`,
    via: target,
    run: (script) => pool.exec(target, 'sh -s', { stdin: script }),
    username: () => pool.remoteUser(target),
    runDir: (id) => ({ home: `.hubtray/run/${id}` }),
  };
  return testShellHost(loginNode, config, {
    checks: [sinfoCheck(config)],
    connection: () => hostKeyReport(target),
    note: 'the login node; jobs run on compute nodes',
  });
}

export function sinfoCheck(config: Pick<SlurmSystemConfig, 'exec_prefix' | 'req_partition'>): ExtraCheck {
  const sinfo = (args: string[]) => [...config.exec_prefix, 'sinfo', ...args].map(shellQuote).join(' ');
  return {
    name: 'slurm',
    script: [
      `v=$(hubtray_t ${sinfo(['--version'])} 2>&1); echo "version=$(printf '%s\\n' "$v" | head -n 1 | cut -c 1-200)"`,
      `out=$(hubtray_t ${sinfo(['--noheader', '--format=%P|%a|%l|%D|%t'])} 2>&1); rc=$?`,
      'printf "%s\\n" "$out" | hubtray_b; echo "exit=$rc"',
    ].join('\n'),
    report(output) {
      const version = output[0]?.startsWith('version=') ? output[0].slice('version='.length) : '';
      const exit = output.at(-1)?.match(/^exit=(\d+)$/)?.[1];
      const rows = output.slice(1, exit === undefined ? undefined : -1);
      if (exit !== '0') {
        const why = exit === '124' ? 'no answer within the time limit' : rows.find((r) => r.trim() !== '') ?? `exit status ${exit ?? 'unknown'}`;
        return { ok: false, lines: [`Slurm: sinfo failed: ${why}`], problem: `sinfo failed there (${why}); check exec_prefix and that Slurm's commands are on PATH` };
      }
      const partitions = new Map<string, { avail: string; limit: string; states: string[] }>();
      for (const row of rows) {
        const [name = '', avail = '', limit = '', nodes = '', state = ''] = row.split('|');
        if (!name) continue;
        const entry = partitions.get(name) ?? { avail, limit, states: [] };
        entry.states.push(`${nodes} ${state}`);
        partitions.set(name, entry);
      }
      const names = [...partitions.keys()];
      const described = names
        .slice(0, shownPartitions)
        .map((name) => {
          const p = partitions.get(name)!;
          return `  ${name.endsWith('*') ? `${name.slice(0, -1)} (default)` : name}: ${p.avail}, time limit ${p.limit}, nodes ${p.states.join(', ')}`;
        });
      if (names.length > shownPartitions) described.push(`  … and ${names.length - shownPartitions} more`);
      const lines = [`Slurm: ${version || 'version unknown'}; ${names.length} partition${names.length === 1 ? '' : 's'} (sinfo):`, ...described];
      const wanted = config.req_partition;
      const bare = names.map((n) => n.replace(/\*$/, ''));
      if (wanted && !wanted.split(',').every((w) => bare.includes(w))) {
        return { ok: false, lines, problem: `req_partition "${wanted}" is not among the cluster's partitions (${bare.join(', ') || 'none'})` };
      }
      if (names.length === 0) return { ok: false, lines, problem: 'sinfo lists no partition there' };
      return { ok: true, lines };
    },
  };
}
