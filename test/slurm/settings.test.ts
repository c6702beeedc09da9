// A Slurm system's settings: batchspawner's names with Slurm's syntax, the default options form, and the values a
// form sends arriving typed through apply_user_options.
import { describe, expect, it } from 'vitest';
import { applyUserOptions, parseConfig, SlurmSystem, type SlurmSystemConfig } from '../../shared/config.js';
import { checkOptions } from '../../shared/forms.js';
import { slurmOptionsForm } from '../../shared/kinds/slurm.js';

function slurmSystem(settings: Record<string, unknown> = {}): SlurmSystemConfig {
  const config = parseConfig({ systems: { hpc: { kind: 'slurm', host: 'login.hpc.example', ...settings } } });
  return config.systems.hpc as SlurmSystemConfig;
}

describe('slurm settings', () => {
  it('has batchspawner defaults and its own options form', () => {
    const system = slurmSystem();
    expect(system).toMatchObject({ start_timeout: 300, ip: '0.0.0.0', req_partition: '', req_runtime: '', exec_prefix: [], startup_poll_interval: 2 });
    expect(system.options_form.fields.map((f) => f.name)).toEqual([
      'req_partition',
      'req_account',
      'req_qos',
      'req_reservation',
      'req_runtime',
      'req_nprocs',
      'req_memory',
      'req_ngpus',
      'req_options',
      'req_prologue',
      'req_epilogue',
      'python_environment',
    ]);
    expect(system.apply_user_options.req_memory).toBe('req_memory');
  });

  it('takes form values as typed settings: digits, walltimes in minutes, memory, and empty for "default"', () => {
    const system = slurmSystem();
    const options = checkOptions(system.options_form, { req_partition: '123', req_runtime: '90', req_memory: '4G', req_nprocs: 8, req_account: '' });
    const applied = applyUserOptions(system, SlurmSystem, options);
    expect(applied).toMatchObject({ req_partition: '123', req_runtime: '90', req_memory: '4G', req_nprocs: 8, req_account: '' });
    expect(applyUserOptions(system, SlurmSystem, { req_memory: '' }).req_memory).toBeUndefined();
  });

  it('refuses what would not be a Slurm value, before anything reaches the cluster', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ req_partition: "debug'; id" }, /req_partition: a partition name/],
      [{ req_runtime: '1 hour' }, /req_runtime: a walltime is/],
      [{ req_memory: 'lots' }, /req_memory: "lots" is not a byte size/],
      [{ req_nprocs: 0 }, /req_nprocs/],
      [{ req_options: '--hold\nrm -rf ~' }, /each line of req_options is an sbatch option/],
      [{ batch_script: '#!/bin/sh\necho hi\n' }, /must contain \{\{cmd\}\}/],
      [{ batch_script: '{{cmd}} {{token}}' }, /may only use the placeholders/],
      [{ ssh_node_mapping: { node1: 'a host; id' } }, /ssh_node_mapping/],
    ];
    for (const [settings, message] of bad) expect(() => slurmSystem(settings)).toThrow(message);
    expect(() => checkOptions(slurmOptionsForm, { req_partition: 'a b' })).toThrow(/does not match/);
  });
});
