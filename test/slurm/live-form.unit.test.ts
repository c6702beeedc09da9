// The options form a Slurm system shows: fields start at the configured settings (a submitted form replaces them),
// and the cluster's partitions become choices.
import { describe, expect, it } from 'vitest';
import { withPartitions, withSettingDefaults } from '../../electron/core/batch/live-form.js';
import { parseConfig, type SlurmSystemConfig } from '../../shared/config.js';

const system = parseConfig({ systems: { hpc: { kind: 'slurm', host: 'login', req_partition: 'gpu,debug', req_runtime: 90, req_nprocs: 4 } } }).systems.hpc as SlurmSystemConfig;
const partitions = [
  { name: 'debug', isDefault: true, cpus: 8 },
  { name: 'gpu', isDefault: false, cpus: 32 },
];

describe('live options form', () => {
  it('starts each field at the configured value of its setting', () => {
    const fields = Object.fromEntries(withSettingDefaults(system).fields.map((f) => [f.name, f.default]));
    expect(fields).toMatchObject({ req_partition: 'gpu,debug', req_runtime: '90', req_nprocs: 4, req_account: undefined });
  });

  it('offers the partitions, the cluster default first, and keeps a configured value sinfo does not list', () => {
    const form = withPartitions(withSettingDefaults(system), partitions);
    expect(form.fields.find((f) => f.name === 'req_partition')).toEqual({
      name: 'req_partition',
      type: 'select',
      label: 'Partition',
      help: 'Empty: the cluster default',
      choices: [{ value: '', label: 'default (debug)' }, { value: 'debug' }, { value: 'gpu' }, { value: 'gpu,debug' }],
      default: 'gpu,debug',
    });
    expect(form.fields.find((f) => f.name === 'req_nprocs')).toMatchObject({ max: 32 });
  });
});
