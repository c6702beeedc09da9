// A cluster as seen from its login node: the adapter's scripts run there (sh -s, the script on stdin), with the
// system's exec_prefix before every batch command, plus the job files in the user's home.
import type { ShellResult } from '../shell-spawner/shell-spawner.js';
import { SpawnError } from '../shell-spawner/shell-spawner.js';
import type { BatchAdapter, JobStatus, Partition, Submission } from './batch-adapter.js';
import { logPath, logTailScript, parseConnection, prepareScript, readConnectionScript, removeScript, type Connection } from './job-files.js';
import type { RoundSource } from '../spawner/round-poller.js';

import { logRangeScript, parseLogRange } from '../shell-spawner/log-follow-script.js';
import type { LogBytes, LogRange } from '../spawner/log-range.js';

/** A read of a followed log that takes longer than this is given up; the follower tries again. */
const LOG_READ_TIMEOUT_MS = 30_000;

/** Runs a script on the login node. */
export type LoginShell = (script: string, options?: { timeoutMs?: number }) => Promise<ShellResult>;

export class BatchClient implements RoundSource<JobStatus> {
  constructor(
    readonly adapter: BatchAdapter,
    private readonly run: LoginShell,
    private readonly prefix: string[],
    /** For messages: "login.cluster.org". */
    readonly where: string,
  ) {}

  async submit(submission: Submission): Promise<string> {
    return this.adapter.parseSubmit(await this.run(prepareScript + this.adapter.submitScript(this.prefix, submission)));
  }

  async query(ids: string[]): Promise<Map<string, JobStatus>> {
    return this.adapter.parseQuery(await this.run(this.adapter.queryScript(this.prefix, ids)));
  }

  async cancel(ids: string[]): Promise<void> {
    this.adapter.parseCancel(await this.run(this.adapter.cancelScript(this.prefix, ids)));
  }

  async partitions(timeoutMs: number): Promise<Partition[]> {
    return this.adapter.parsePartitions(await this.run(this.adapter.partitionsScript(this.prefix), { timeoutMs }));
  }

  /** null until the job has written it. */
  async connection(runId: string): Promise<Connection | null> {
    const result = await this.run(readConnectionScript(runId));
    if (result.code !== 0) throw new SpawnError(`could not read the job's connection file on ${this.where}: ${result.stderr.trim()}`);
    return parseConnection(result.stdout);
  }

  async logTail(runId: string, maxBytes: number): Promise<string> {
    return (await this.run(logTailScript(runId, maxBytes))).stdout;
  }

  async readLog(runId: string, range: LogRange, maxBytes: number): Promise<LogBytes | null> {
    const result = await this.run(logRangeScript(logPath(runId), range, maxBytes), { timeoutMs: LOG_READ_TIMEOUT_MS });
    return parseLogRange(result.stdout, result.stderr);
  }

  /** Runs `script` on the running job's node (see BatchAdapter.onJobNodeScript). */
  onJobNode(jobId: string, script: string, timeoutMs: number): Promise<ShellResult> {
    return this.run(this.adapter.onJobNodeScript(this.prefix, jobId, script), { timeoutMs });
  }

  async removeFiles(runId: string): Promise<void> {
    await this.run(removeScript(runId));
  }
}
