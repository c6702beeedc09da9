// "Test connection" on a slurm system against a private Slurm cluster behind a real sshd (its login node): the Jupyter
// facts of the login node, Slurm's version and its partitions with their nodes' state from sinfo (through the
// system's exec_prefix), a req_partition the cluster does not have, and an exec_prefix that does not reach Slurm.
import { execFileSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionReport } from '../../shared/api.js';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { startLoginNode, type LoginNode } from './cluster.js';

let node: LoginNode;
let h: HubHarness;

function test(overrides: Record<string, unknown> = {}): Promise<ConnectionReport> {
  return h.hub.testConnection({ settings: node.system(overrides) });
}

beforeAll(async () => {
  node = await startLoginNode();
  h = await openHub(makeHome({}));
});

afterAll(async () => {
  await h?.close();
  if (h) removeHome(h.home);
  await node?.stop();
});

describe('Test connection on a slurm system', () => {
  it("a cluster's login node: Jupyter there, Slurm's version, and each partition with its nodes' state", async () => {
    const report = await test();
    const lines = report.message.split('\n');
    const serverVersion = execFileSync('/usr/bin/jupyter', ['server', '--version'], { encoding: 'utf8' }).trim();
    const slurmVersion = (await node.slurm.command('sinfo', ['--version'])).trim();
    // The cluster's own answer, to compare with: partition, availability, time limit, node count and state.
    const rows = (await node.slurm.command('sinfo', ['--noheader', '--format=%P|%a|%l|%D|%t'])).trim().split('\n');
    expect(report.ok, report.message).toBe(true);
    expect(lines[0]).toBe(`Ready: reached Slurm login node cluster as root; /usr/bin/jupyter server ${serverVersion} is there.`);
    expect(lines).toContain(`Host: ${hostname()} (the login node; jobs run on compute nodes)`);
    expect(lines).toContain(`Slurm: ${slurmVersion}; ${rows.length} partition${rows.length === 1 ? '' : 's'} (sinfo):`);
    for (const row of rows) {
      const [name = '', avail, limit, nodes, state] = row.split('|');
      const shown = name.endsWith('*') ? `${name.slice(0, -1)} (default)` : name;
      expect(lines).toContain(`  ${shown}: ${avail}, time limit ${limit}, nodes ${nodes} ${state}`);
    }
    expect(report.message).toMatch(/^Host key: on record for \[127\.0\.0\.1\]:\d+ \(checked at login\): ssh-ed25519 SHA256:\S+ in /m);
  });

  it('a req_partition the cluster does not have: not ready, naming the partitions it has', async () => {
    const report = await test({ req_partition: 'gpu' });
    expect(report.ok).toBe(false);
    const names = [...new Set((await node.slurm.command('sinfo', ['--noheader', '--format=%P'])).trim().split('\n').map((n) => n.replace(/\*$/, '')))];
    expect(report.message.split('\n')[0]).toBe(
      `Not ready: reached Slurm login node cluster as root, but req_partition "gpu" is not among the cluster's partitions (${names.join(', ')}).`,
    );
  });

  it("an exec_prefix that does not reach Slurm's commands: not ready, with sinfo's own error", async () => {
    const report = await test({ exec_prefix: ['env', 'PATH=/nonexistent'] });
    expect(report.ok).toBe(false);
    expect(report.message.split('\n')[0]).toMatch(/^Not ready: reached Slurm login node cluster as root, but sinfo failed there \(.*sinfo.*\); check exec_prefix/);
  });
});
