// The Slurm adapter: sbatch, squeue, scancel and sinfo, as scripts for the login node and parsers for their output.
// Facts it relies on (Slurm 22.05): `squeue --json` ignores every filter, so the text format is used with --jobs;
// exit_code is the raw wait status (768 is exit 3); and without accounting a finished job stays visible to
// `squeue --states=all` only for MinJobAge, after which it is simply absent.
import { shellQuote as q } from '../../ssh/shell-quote.js';
import { SpawnError, type ShellResult } from '../../shell-spawner/shell-spawner.js';
import { checkJobIds, type BatchAdapter, type BatchResources, type JobPhase, type JobStatus, type Partition } from '../../batch/batch-adapter.js';

// Reason goes last: it is the one free-text field, so a '|' in it cannot shift the others.
const FIELDS = ['JobID', 'State', 'BatchHost', 'TimeLeft', 'StartTime', 'exit_code', 'Reason'];
const FORMAT = FIELDS.map((field, i) => (i < FIELDS.length - 1 ? `${field}:|` : field)).join(',');

const PHASES: Record<string, JobPhase> = {
  PENDING: 'queued',
  CONFIGURING: 'queued',
  REQUEUED: 'queued',
  REQUEUE_HOLD: 'queued',
  REQUEUE_FED: 'queued',
  RESV_DEL_HOLD: 'queued',
  RUNNING: 'running',
  SUSPENDED: 'running',
  STOPPED: 'running',
  SIGNALING: 'running',
  RESIZING: 'running',
  COMPLETING: 'ending',
  STAGE_OUT: 'ending',
};

// What squeue says when none of the asked-for jobs exists any more, and what scancel says about a job that is gone.
const NO_SUCH_JOB = /Invalid job id specified|already completing or completed/i;

function command(prefix: string[], words: string[]): string {
  return [...prefix, ...words].map(q).join(' ');
}

export const slurm: BatchAdapter = {
  name: 'Slurm',
  defaultTemplate: '#!/bin/bash\n{{directives}}\n\n{{prologue}}\n{{cmd}}\n{{epilogue}}\n',
  nodeVariable: 'SLURMD_NODENAME',

  directives(r: BatchResources): string[] {
    return [
      ...Object.entries(slurm.values(r))
        .filter(([, value]) => value !== '')
        .map(([name, value]) => `#SBATCH --${OPTION_NAMES[name as keyof typeof OPTION_NAMES]}=${value}`),
      ...r.extra.map((line) => `#SBATCH ${line.trim().replace(/^#SBATCH\s+/, '')}`),
    ];
  },

  values(r: BatchResources) {
    return {
      partition: r.partition,
      account: r.account,
      qos: r.qos,
      reservation: r.reservation,
      runtime: r.walltime,
      nprocs: r.cpus === undefined ? '' : String(r.cpus),
      // sbatch takes MiB by default; rounding up never asks for less than the user wrote.
      memory: r.memoryBytes === undefined ? '' : `${Math.ceil(r.memoryBytes / 2 ** 20)}M`,
      ngpus: r.gpus ? `gpu:${r.gpus}` : '',
    };
  },

  submitScript(prefix, submission) {
    // The script reaches sbatch on its stdin; printf is a shell builtin, so the script is in no process's argv.
    return `printf '%s' ${q(submission.script)} | ${command(prefix, ['sbatch', '--parsable', `--job-name=${submission.jobName}`])} --output=${submission.logPath}\n`;
  },

  parseSubmit(result: ShellResult): string {
    const id = /^(\d+)(?:;\S*)?\s*$/m.exec(result.stdout)?.[1];
    if (result.code === 0 && id) return id;
    throw new SpawnError(`sbatch did not accept the job: ${result.stderr.trim() || result.stdout.trim() || `exit status ${result.code}`}`);
  },

  queryScript(prefix, ids) {
    checkJobIds(ids);
    return `${command(prefix, ['squeue', '--noheader', '--states=all', `--jobs=${ids.join(',')}`, `--Format=${FORMAT}`])}\n`;
  },

  parseQuery(result: ShellResult): Map<string, JobStatus> {
    const jobs = new Map<string, JobStatus>();
    if (result.code !== 0) {
      if (NO_SUCH_JOB.test(result.stderr)) return jobs;
      throw new SpawnError(`squeue failed: ${result.stderr.trim() || `exit status ${result.code}`}`);
    }
    for (const line of result.stdout.split('\n')) {
      const fields = line.split('|');
      if (fields.length < FIELDS.length) continue;
      const [id = '', state = '', host = '', left = '', start = '', exit = '', ...reason] = fields.map((f) => f.trim());
      const phase = PHASES[state] ?? 'ended';
      const status = Number(exit);
      jobs.set(id, {
        id,
        phase,
        state,
        reason: reason.join('|') === 'None' ? null : reason.join('|') || null,
        node: host === 'n/a' || host === '' ? null : host,
        startTime: /^\d{4}-/.test(start) ? start : null,
        timeLeftSeconds: phase === 'running' ? parseDuration(left) : null,
        exit: (phase === 'ending' || phase === 'ended') && Number.isInteger(status) ? { code: (status >> 8) & 0xff, signal: status & 0x7f } : null,
      });
    }
    return jobs;
  },

  cancelScript(prefix, ids) {
    checkJobIds(ids);
    return `${command(prefix, ['scancel', ...ids])}\n`;
  },

  parseCancel(result: ShellResult): void {
    const errors = result.stderr.split('\n').filter((line) => line.trim() && !NO_SUCH_JOB.test(line));
    if (result.code !== 0 && errors.length > 0) throw new SpawnError(`scancel failed: ${errors.join('; ')}`);
  },

  partitionsScript(prefix) {
    return `${command(prefix, ['sinfo', '--noheader', '--format=%P|%a|%c'])}\n`;
  },
  onJobNodeScript(prefix, jobId, script) {
    checkJobIds([jobId]);
    // A step of its own that shares the job's CPUs and memory (--overlap, Slurm 20.11 and later), on one node: it
    // costs the job nothing, and sees the job's processes there. The script goes on the step's stdin.
    const step = command(prefix, ['srun', `--jobid=${jobId}`, '--overlap', '--nodes=1', '--ntasks=1', '--quiet', 'sh', '-s']);
    return `printf '%s' ${q(script)} | ${step}\n`;
  },


  parsePartitions(result: ShellResult): Partition[] {
    if (result.code !== 0) throw new SpawnError(`sinfo failed: ${result.stderr.trim() || `exit status ${result.code}`}`);
    const partitions = new Map<string, Partition>();
    for (const line of result.stdout.split('\n')) {
      const [raw = '', avail = '', cpus = ''] = line.trim().split('|');
      const name = raw.replace(/\*$/, '');
      if (!name || avail !== 'up') continue;
      const known = partitions.get(name);
      const n = Number.parseInt(cpus, 10);
      partitions.set(name, {
        name,
        isDefault: raw.endsWith('*'),
        cpus: Number.isFinite(n) ? Math.max(n, known?.cpus ?? 0) : (known?.cpus ?? null),
      });
    }
    return [...partitions.values()];
  },
};

const OPTION_NAMES = {
  partition: 'partition',
  account: 'account',
  qos: 'qos',
  reservation: 'reservation',
  runtime: 'time',
  nprocs: 'cpus-per-task',
  memory: 'mem',
  ngpus: 'gres',
} as const;

/** Slurm's durations ([D-]H:M:S, or M:S); null for UNLIMITED, NOT_SET, INVALID. */
export function parseDuration(text: string): number | null {
  const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(text.trim());
  if (!m) return null;
  const parts = [m[2], m[3], m[4]].filter((p): p is string => p !== undefined).map(Number);
  // Two parts are M:S; three are H:M:S; a day count always comes with H:M:S.
  const [h, min, s] = parts.length === 3 ? parts : parts.length === 2 ? [0, ...parts] : [0, parts[0], 0];
  return Number(m[1] ?? 0) * 86400 + (h ?? 0) * 3600 + (min ?? 0) * 60 + (s ?? 0);
}
