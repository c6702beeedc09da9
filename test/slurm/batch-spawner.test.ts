// The batch spawner's state and endpoint, without a cluster: what a restarted hub needs is in getState() (and nothing
// secret), and ssh_node_mapping rewrites the node the tunnel goes to.
import { describe, expect, it } from 'vitest';
import type { JobStatus } from '../../electron/core/batch/batch-adapter.js';
import type { BatchClient } from '../../electron/core/batch/batch-client.js';
import { BatchSpawner, type BatchSettings } from '../../electron/core/batch/batch-spawner.js';
import { RoundPoller } from '../../electron/core/spawner/round-poller.js';
import { slurm } from '../../electron/core/kinds/slurm/slurm-adapter.js';

const settings: BatchSettings = {
  cmd: ['/usr/bin/jupyter', 'server'],
  args: [],
  environment: {},
  notebook_dir: undefined,
  ip: '0.0.0.0',
  batch_script: undefined,
  req_prologue: '',
  req_epilogue: '',
  ssh_node_mapping: { node17: 'node17.ib.cluster.example' },
  startup_poll_interval: 1,
  poll_interval: 30,
  poll_jitter: 0.1,
};
const via = { host: 'login', connectTimeoutSeconds: 5, keepaliveIntervalSeconds: 5, keepaliveCountMax: 3 };

function spawner(): BatchSpawner {
  // Neither the cluster nor the queue is reached by what these tests do.
  const client = { adapter: slurm, where: 'login' } as BatchClient;
  const poller = new RoundPoller<JobStatus>({ query: () => Promise.reject(new Error('no queue here')) });
  return new BatchSpawner(settings, { partition: '', account: '', qos: '', reservation: '', walltime: '', extra: [] }, { client, poller, via, username: async () => 'me' });
}

describe('batch spawner', () => {
  it('re-attaches from its state, through the mapped node name', () => {
    const s = spawner();
    s.loadState({ job_id: '4242', run_id: 'one-x1', node: 'node17', port: 40001 });
    expect(s.endpoint()).toEqual({ host: 'node17.ib.cluster.example', port: 40001, via });
    expect(s.getState()).toEqual({ job_id: '4242', run_id: 'one-x1', node: 'node17', port: 40001 });
  });

  it('knows a queued job by its id alone, and ignores a state that is not its own', async () => {
    const s = spawner();
    s.loadState({ job_id: '4243', run_id: 'two-x2' });
    expect(s.endpoint()).toBeNull();
    expect(s.getState()).toEqual({ job_id: '4243', run_id: 'two-x2' });
    s.clearState();
    s.loadState({ job_id: '1; id', run_id: 'x' });
    expect(s.getState()).toEqual({});
    expect(await s.poll()).toBe(0);
  });
});
