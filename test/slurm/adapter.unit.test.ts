// The Slurm adapter and the batch script, without a cluster: what squeue, sbatch, scancel and sinfo print is parsed
// as Slurm 22.05 prints it, and the script hubtray submits carries each value where it belongs.
import { describe, expect, it } from 'vitest';
import type { BatchResources } from '../../electron/core/batch/batch-adapter.js';
import { renderJobScript, type JobPlan } from '../../electron/core/batch/job-script.js';
import { describeEnd, queuedMessage } from '../../electron/core/batch/job-messages.js';
import { parseDuration, slurm } from '../../electron/core/kinds/slurm/slurm-adapter.js';

const ok = (stdout: string, stderr = '') => ({ code: 0, stdout, stderr });
const failed = (stderr: string) => ({ code: 1, stdout: '', stderr });
const none: BatchResources = { partition: '', account: '', qos: '', reservation: '', walltime: '', extra: [] };

describe('slurm adapter', () => {
  it('parses squeue: phases, nodes, time left, raw wait statuses, and a reason with a bar in it', () => {
    const jobs = slurm.parseQuery(
      ok(
        [
          '11|PENDING|n/a|1:00|2026-11-22T14:05:00|0|Priority',
          '12|RUNNING|node7|1-02:03:04|2026-11-22T10:00:00|0|None',
          '13|FAILED|node7|INVALID|2026-11-22T10:00:00|768|NonZeroExitCode',
          '14|TIMEOUT|node7|INVALID|2026-11-22T10:00:00|15|TimeLimit',
          '15|COMPLETING|node7|0:00|2026-11-22T10:00:00|0|odd|reason',
          '',
        ].join('\n'),
      ),
    );
    expect(jobs.get('11')).toEqual({ id: '11', phase: 'queued', state: 'PENDING', reason: 'Priority', node: null, startTime: '2026-11-22T14:05:00', timeLeftSeconds: null, exit: null });
    expect(jobs.get('12')).toMatchObject({ phase: 'running', node: 'node7', reason: null, timeLeftSeconds: 93784 });
    expect(jobs.get('13')).toMatchObject({ phase: 'ended', exit: { code: 3, signal: 0 } });
    expect(jobs.get('14')).toMatchObject({ phase: 'ended', reason: 'TimeLimit', exit: { code: 0, signal: 15 } });
    expect(jobs.get('15')).toMatchObject({ phase: 'ending', reason: 'odd|reason' });
  });

  it('takes "no such job" from squeue as an empty answer, and any other failure as an error', () => {
    expect(slurm.parseQuery(failed('slurm_load_jobs error: Invalid job id specified')).size).toBe(0);
    expect(() => slurm.parseQuery(failed('slurm_load_jobs error: Unable to contact slurm controller'))).toThrow(/squeue failed: .*Unable to contact/);
  });

  it('asks about all jobs in one squeue, and never lets a job id that is not one reach a script', () => {
    expect(slurm.queryScript(['env', 'SLURM_CONF=/x'], ['1', '2_3'])).toMatch(/^'env' 'SLURM_CONF=\/x' 'squeue' .*'--jobs=1,2_3'/);
    expect(() => slurm.queryScript([], ['1; rm -rf ~'])).toThrow(/not a batch job id/);
    expect(() => slurm.cancelScript([], ['$(id)'])).toThrow(/not a batch job id/);
    expect(() => slurm.onJobNodeScript([], '7 --uid=0', 'true')).toThrow(/not a batch job id/);
  });

  it("runs a script on a job's node as a step that overlaps the job, the script on its stdin, after exec_prefix", () => {
    const script = slurm.onJobNodeScript(['env', 'SLURM_CONF=/x'], '42', "echo 'hi'\n");
    expect(script).toBe(`printf '%s' 'echo '\\''hi'\\''\n' | 'env' 'SLURM_CONF=/x' 'srun' '--jobid=42' '--overlap' '--nodes=1' '--ntasks=1' '--quiet' 'sh' '-s'\n`);
  });

  it('reads sbatch --parsable, and says why sbatch refused', () => {
    expect(slurm.parseSubmit(ok('42\n'))).toBe('42');
    expect(slurm.parseSubmit(ok('42;cluster\n', 'sbatch: warning: something'))).toBe('42');
    expect(() => slurm.parseSubmit(failed('sbatch: error: invalid partition specified: nope'))).toThrow(/sbatch did not accept the job: .*invalid partition specified: nope/);
  });

  it('accepts scancel on a job that is already gone, not other errors', () => {
    expect(() => slurm.parseCancel(failed('scancel: error: Kill job error on job id 9: Invalid job id specified'))).not.toThrow();
    expect(() => slurm.parseCancel(failed('scancel: error: Kill job error on job id 9: Job/step already completing or completed'))).not.toThrow();
    expect(() => slurm.parseCancel(failed('scancel: error: Access/permission denied'))).toThrow(/scancel failed/);
  });

  it('reads partitions from sinfo: the default one, availability, and the most CPUs on a node', () => {
    expect(slurm.parsePartitions(ok('debug*|up|2\ngpu|up|16\ngpu|up|64+\ndown|down|8\n'))).toEqual([
      { name: 'debug', isDefault: true, cpus: 2 },
      { name: 'gpu', isDefault: false, cpus: 64 },
    ]);
  });

  it('turns the requested resources into #SBATCH lines', () => {
    const resources: BatchResources = {
      partition: 'gpu,debug',
      account: 'proj1',
      qos: 'short',
      reservation: '',
      walltime: '1-02:00:00',
      cpus: 4,
      memoryBytes: 1.5 * 2 ** 30 + 1,
      gpus: 2,
      extra: ['--constraint=a100', '#SBATCH   --begin=now+1hour --hold'],
    };
    expect(slurm.directives(resources)).toEqual([
      '#SBATCH --partition=gpu,debug',
      '#SBATCH --account=proj1',
      '#SBATCH --qos=short',
      '#SBATCH --time=1-02:00:00',
      '#SBATCH --cpus-per-task=4',
      '#SBATCH --mem=1537M',
      '#SBATCH --gres=gpu:2',
      '#SBATCH --constraint=a100',
      '#SBATCH --begin=now+1hour --hold',
    ]);
    expect(slurm.directives(none)).toEqual([]);
  });

  it('parses Slurm durations', () => {
    expect(parseDuration('59:30')).toBe(3570);
    expect(parseDuration('1:00:00')).toBe(3600);
    expect(parseDuration('2-00:00:01')).toBe(172801);
    expect(parseDuration('UNLIMITED')).toBeNull();
    expect(parseDuration('INVALID')).toBeNull();
  });

  it('says what a queued job waits for, and how a job ended', () => {
    const queued = { id: '5', phase: 'queued' as const, state: 'PENDING', reason: 'Priority', node: null, startTime: '2026-11-22T14:05:00', timeLeftSeconds: null, exit: null };
    expect(queuedMessage(queued, new Date(2026, 10, 22, 9))).toBe('Queued: Priority, expected start 14:05');
    expect(queuedMessage(queued, new Date(2026, 10, 21, 9))).toBe('Queued: Priority, expected start 2026-11-22 14:05');
    // Right after sbatch, before the scheduler has given a reason: not an error, and not Slurm's bare word for it.
    expect(queuedMessage({ ...queued, reason: null, startTime: null }, new Date())).toBe('Submitted job 5; waiting for the scheduler');
    expect(queuedMessage({ ...queued, state: 'CONFIGURING', reason: null, startTime: null }, new Date())).toBe('Queued: CONFIGURING');
    expect(describeEnd('Slurm', '5', { ...queued, phase: 'ended', state: 'OUT_OF_MEMORY', reason: null, exit: { code: 0, signal: 9 } })).toBe(
      'batch job 5 OUT_OF_MEMORY: it ran out of memory, killed by signal 9',
    );
    expect(describeEnd('Slurm', '5', null)).toMatch(/^batch job 5 is no longer known to Slurm: .*MinJobAge/);
  });
});

describe('batch script', () => {
  const plan: JobPlan = {
    template: undefined,
    adapter: slurm,
    resources: { ...none, partition: 'debug' },
    prologue: 'module load jupyter',
    epilogue: '',
    runId: 'one-abc',
    argv: ['/usr/bin/jupyter', "it's"],
    serverFlags: ['--ip=0.0.0.0'],
    env: { GREETING: `$(touch x) 'quoted' "double"` },
    cwd: '~/work dir',
    ports: [30001, 30002],
  };

  it('fills the default template: directives, prologue, then the launcher, with every value quoted', () => {
    const script = renderJobScript(plan);
    expect(script.startsWith('#!/bin/bash\n#SBATCH --partition=debug\n\nmodule load jupyter\n# hubtray: start the server')).toBe(true);
    expect(script).toContain(`set -- '/usr/bin/jupyter' 'it'\\''s'`);
    expect(script).toContain(`export GREETING='$(touch x) '\\''quoted'\\'' "double"'`);
    expect(script).toContain(`HT_CWD="$HOME"/'work dir'`);
    expect(script).toContain(`ht_conn="$HOME"/'.hubtray/jobs/one-abc.json'`);
    expect(script).toContain(`JUPYTER_TOKEN=$ht_token "$@" '--ip=0.0.0.0' --port="$HT_PORT"`);
    expect(script).not.toMatch(/\{\{/);
  });

  it('keeps the server exit status through an epilogue, and fills a template of the user', () => {
    const script = renderJobScript({ ...plan, epilogue: 'echo bye', template: '#!/bin/sh\n#SBATCH -p {{ partition }}\n{{cmd}}\n{{epilogue}}\n' });
    expect(script.startsWith('#!/bin/sh\n#SBATCH -p debug\n# hubtray')).toBe(true);
    expect(script.endsWith('ht_status=$?\necho bye\nexit "$ht_status"\n')).toBe(true);
    expect(() => renderJobScript({ ...plan, template: '{{cmd}} {{nope}}' })).toThrow(/unknown placeholder \{\{nope\}\}/);
  });
});
