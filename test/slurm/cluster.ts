// What every Slurm test starts: a private Slurm cluster and, as its login node, a private sshd on the same machine
// (so a compute node's files and processes can be checked here), with an ssh config whose alias "cluster" reaches it.
import { readdir, readFile } from 'node:fs/promises';
import { startSlurm, type SlurmCluster, type SlurmOptions } from '../fixtures/slurm.js';
import { startSshd, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';

export interface LoginNode {
  slurm: SlurmCluster;
  sshd: Sshd;
  client: ClientConfig;
  /** A slurm system on this cluster running Debian's Jupyter server; fast polling so that tests are quick. */
  system(overrides?: Record<string, unknown>): Record<string, unknown>;
  stop(): Promise<void>;
}

export async function startLoginNode(options: SlurmOptions = {}): Promise<LoginNode> {
  const [slurm, sshd] = await Promise.all([startSlurm(options), startSshd()]);
  const client = await writeClientConfig([{ alias: 'cluster', sshd }], { trust: true });
  process.env.HUBTRAY_SSH_CONFIG = client.configPath;
  return {
    slurm,
    sshd,
    client,
    system: (overrides = {}) => ({
      kind: 'slurm',
      host: 'cluster',
      exec_prefix: slurm.execPrefix,
      cmd: ['/usr/bin/jupyter', 'server'],
      args: ['--allow-root'],
      // The "compute node" is this machine: the server stays on loopback.
      ip: '127.0.0.1',
      startup_poll_interval: 0.5,
      poll_interval: 1,
      ...overrides,
    }),
    async stop() {
      await slurm.stop();
      await sshd.stop();
      await client.cleanup();
      delete process.env.HUBTRAY_SSH_CONFIG;
    },
  };
}

/**
 * The PIDs of a job's processes whose command line contains `needle`, found by SLURM_JOB_ID and the cluster's
 * SLURM_CONF in their environment: the test files' clusters run at once and number their jobs alike.
 */
export async function jobProcesses(cluster: Pick<SlurmCluster, 'execPrefix'>, jobId: string, needle: string): Promise<number[]> {
  const conf = cluster.execPrefix.find((word) => word.startsWith('SLURM_CONF='));
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = (await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '')).split('\0');
    if (!environ.includes(`SLURM_JOB_ID=${jobId}`) || !environ.includes(conf ?? '')) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(needle)) pids.push(Number(entry));
  }
  return pids;
}
