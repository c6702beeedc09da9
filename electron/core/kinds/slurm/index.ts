// `slurm`: JupyterLab as a batch job on a cluster's compute node, submitted and watched through the login node (the
// system's SSH settings) and reached through it: 127.0.0.1 -> login node -> compute node:port.
import { parseByteSpecification } from '../../../../shared/bytes.js';
import type { SlurmSystemConfig } from '../../../../shared/config.js';
import type { BatchResources } from '../../batch/batch-adapter.js';
import { BatchClient } from '../../batch/batch-client.js';
import { BatchSpawner } from '../../batch/batch-spawner.js';
import { liveForm } from '../../batch/live-form.js';
import { inEnvironmentByPrologue } from '../../shell-spawner/environment-choice.js';
import { sshHostEnvironments, withEnvironments } from '../../shell-spawner/environment-form.js';
import { testSlurmConnection } from './connection-test.js';
import { slurm } from './slurm-adapter.js';
import type { SshPool } from '../../ssh/ssh-pool.js';
import { sshTarget, sshTargetKey } from '../../ssh/ssh-target.js';
import type { SystemKindModule } from '../../spawner/kind-module.js';
import { RoundPoller, sharedPoller } from '../../spawner/round-poller.js';

export const kind: SystemKindModule<SlurmSystemConfig> = {
  spawner(config, { pool }) {
    const client = slurmClient(pool, config);
    const target = sshTarget(config);
    const poller = sharedPoller(pool, `batch:${clusterKey(config)}`, () => new RoundPoller(client));
    return new BatchSpawner(inEnvironmentByPrologue(config), resources(config), { client, poller, via: target, username: () => pool.remoteUser(target) });
  },
  async liveForm(config, { pool }) {
    // Asked side by side: the environments are found on the login node, which shares its file systems with the nodes.
    const [form, found] = await Promise.all([
      liveForm(config, slurmClient(pool, config), pool, clusterKey(config)),
      sshHostEnvironments(pool, sshTarget(config), config.environment_folders),
    ]);
    return withEnvironments(form, found, config);
  },
  testConnection: (config, { pool }) => testSlurmConnection(config, pool),
};

/** The same login target and exec_prefix reach the same slurmctld: one queue poller and partition list for both. */
function clusterKey(config: SlurmSystemConfig): string {
  return JSON.stringify([sshTargetKey(sshTarget(config)), config.exec_prefix]);
}

function slurmClient(pool: SshPool, config: SlurmSystemConfig): BatchClient {
  const target = sshTarget(config);
  return new BatchClient(slurm, (script, options) => pool.exec(target, 'sh -s', { stdin: script, ...options }), config.exec_prefix, config.host);
}

/** batchspawner's req_* settings, in the adapter's neutral terms. */
function resources(config: SlurmSystemConfig): BatchResources {
  return {
    partition: config.req_partition,
    account: config.req_account,
    qos: config.req_qos,
    reservation: config.req_reservation,
    walltime: config.req_runtime,
    cpus: config.req_nprocs,
    memoryBytes: config.req_memory === undefined ? undefined : parseByteSpecification(config.req_memory),
    gpus: config.req_ngpus,
    extra: config.req_options.split('\n').filter((line) => line.trim() !== ''),
  };
}
