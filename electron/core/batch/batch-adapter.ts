// What hubtray needs from a batch system, as a small adapter: submit a job, query many jobs at once, cancel, and the
// template and directives its batch scripts use. Each operation is a POSIX sh script for the login node plus a parser
// for what that script printed, so an adapter is pure text in, text out. Slurm is the only one today; PBS Pro, LSF or
// SGE would be another module implementing this, with nothing else to change.
import type { ShellResult } from '../shell-spawner/shell-spawner.js';

/** Where a job is in its life, in the terms hubtray acts on. */
export type JobPhase =
  /** Waiting for resources, a start time, a hold… */
  | 'queued'
  /** On its node (suspended counts: it will go on). */
  | 'running'
  /** Its script has ended; the batch system is still cleaning up on the node. */
  | 'ending'
  /** Gone from the node. */
  | 'ended';

export interface JobStatus {
  id: string;
  phase: JobPhase;
  /** The batch system's own word for the state (PENDING, RUNNING, TIMEOUT…). */
  state: string;
  /** Why it is in that state (Priority, Resources, TimeLimit…); null when there is no reason to give. */
  reason: string | null;
  node: string | null;
  /** The expected start of a queued job, or the start of one that ran, as the batch system prints it; null if unknown. */
  startTime: string | null;
  /** Seconds until the walltime ends; null when the job has no limit. */
  timeLeftSeconds: number | null;
  /** How its script ended, once it has. */
  exit: { code: number; signal: number } | null;
}

/** The resources a server asks for, in units every batch system knows. Empty strings and undefined mean "default". */
export interface BatchResources {
  partition: string;
  account: string;
  qos: string;
  reservation: string;
  /** In the batch system's own walltime syntax (already checked). */
  walltime: string;
  cpus?: number;
  memoryBytes?: number;
  gpus?: number;
  /** Extra directive lines, as the user wrote them. */
  extra: string[];
}

export interface Submission {
  /** The whole batch script; it holds no secret. */
  script: string;
  jobName: string;
  /** Shell expression (on the login node) of the file the job's stdout and stderr go to. */
  logPath: string;
}

export interface Partition {
  name: string;
  isDefault: boolean;
  /** Most CPUs on one of its nodes, when the batch system says. */
  cpus: number | null;
}

export interface BatchAdapter {
  /** For messages: "Slurm". */
  readonly name: string;
  /** The batch script template used unless a system names its own (placeholders as in shared/kinds/slurm.ts). */
  readonly defaultTemplate: string;
  /** The environment variable that names a running job's node. */
  readonly nodeVariable: string;
  /** The scheduler directive lines (e.g. "#SBATCH --time=1:00:00") for the resources. */
  directives(resources: BatchResources): string[];
  /** The directive values one by one, for templates that place them themselves; '' when unset. */
  values(resources: BatchResources): Record<'partition' | 'account' | 'qos' | 'reservation' | 'runtime' | 'nprocs' | 'memory' | 'ngpus', string>;
  /** `prefix` is exec_prefix: words put before every batch command. Prints the job id. */
  submitScript(prefix: string[], submission: Submission): string;
  parseSubmit(result: ShellResult): string;
  /** One call for all of `ids`, whatever their number. */
  queryScript(prefix: string[], ids: string[]): string;
  /** Jobs the batch system no longer knows are absent from the map. */
  parseQuery(result: ShellResult): Map<string, JobStatus>;
  cancelScript(prefix: string[], ids: string[]): string;
  /** Throws unless the jobs are cancelled or already gone. */
  parseCancel(result: ShellResult): void;
  partitionsScript(prefix: string[]): string;
  /**
   * Runs `script` (sh) on a running job's first node, inside its allocation and beside its own processes, where they
   * can be read (`srun --overlap` for Slurm). The script's output is the result's.
   */
  onJobNodeScript(prefix: string[], jobId: string, script: string): string;
  parsePartitions(result: ShellResult): Partition[];
}

/** A job id as batch systems print it: digits, optionally an array index. Checked before it reaches any script. */
export const JOB_ID = /^\d+(?:_\d+)?$/;

export function checkJobIds(ids: string[]): void {
  const bad = ids.find((id) => !JOB_ID.test(id));
  if (bad !== undefined) throw new Error(`"${bad}" is not a batch job id`);
}
