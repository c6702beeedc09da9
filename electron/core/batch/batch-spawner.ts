// batchspawner's model on the user's machine: start() submits a batch job through the login node and follows it
// through the queue until the job has written where its server listens; poll() and stop() go through the cluster's
// shared queue poller, so no call costs a queue query of its own. The job id is in the state from the moment the job
// exists, so a restarted hubtray finds a queued job again and keeps watching it (resumeStart).
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SlurmSystemConfig } from '../../../shared/config.js';
import type { SshTarget } from '../ssh/ssh-target.js';
import { expandUsername, serverCommand, SpawnError } from '../shell-spawner/shell-spawner.js';
import { SpawnerBase, type Endpoint, type JsonObject, type SpawnRequest } from '../spawner/spawner.js';
import type { LogReader } from '../spawner/log-range.js';
import { JOB_ID, type BatchResources, type JobStatus } from './batch-adapter.js';
import type { BatchClient } from './batch-client.js';
import { logPath } from './job-files.js';
import { renderJobScript } from './job-script.js';
import type { Observation, RoundPoller } from '../spawner/round-poller.js';
import { describeEnd, exitStatus, queuedMessage } from './job-messages.js';
import { errorMessage } from '../../../shared/error-message.js';
import { boundedText } from '../../../shared/text.js';
import { listeningPortsScript, parseListeningPorts } from '../shell-spawner/listening-ports-script.js';

export type BatchSettings = Pick<
  SlurmSystemConfig,
  | 'cmd'
  | 'args'
  | 'environment'
  | 'notebook_dir'
  | 'ip'
  | 'batch_script'
  | 'req_prologue'
  | 'req_epilogue'
  | 'ssh_node_mapping'
  | 'startup_poll_interval'
  | 'poll_interval'
  | 'poll_jitter'
>;

export interface BatchParts {
  client: BatchClient;
  poller: RoundPoller<JobStatus>;
  /** The login node: where the tunnel to the compute node starts. */
  via: SshTarget;
  username(): Promise<string>;
}

interface Job {
  id: string;
  runId: string;
  node?: string;
  port?: number;
}

const LOG_BYTES = 64 * 1024;
/** A step of the job starts within seconds on a node that runs it; beyond this the look is given up. */
const NODE_SCRIPT_TIMEOUT_MS = 30_000;
const TAIL_LINES = 15;
// Slurm's KillWait is 30 s by default: a job that ignores SIGTERM is killed by then, and its node cleans up after.
const STOP_WAIT_MS = 90_000;

export class BatchSpawner extends SpawnerBase {
  private job: Job | null = null;
  private last: Observation<JobStatus> | null = null;
  private ended: string | null = null;
  private said = '';

  constructor(
    private readonly settings: BatchSettings,
    private readonly resources: BatchResources,
    private readonly parts: BatchParts,
  ) {
    super();
  }

  async start(request: SpawnRequest): Promise<Endpoint> {
    const { client } = this.parts;
    this.emit({ progress: 10, message: `Submitting a batch job on ${client.where}` });
    const username = await this.parts.username();
    const runId = `${request.serverName}-${randomInt(1e9).toString(36)}`;
    const s = this.settings;
    const script = renderJobScript({
      template: s.batch_script,
      adapter: client.adapter,
      resources: this.resources,
      prologue: s.req_prologue,
      epilogue: s.req_epilogue,
      runId,
      argv: [...serverCommand(s), ...s.args],
      serverFlags: [`--ip=${s.ip}`, '--port-retries=0', '--no-browser'],
      env: s.environment,
      cwd: expandUsername(s.notebook_dir ?? '', username),
      // Below the ports the kernel hands to outbound connections by default (Linux 32768-60999, BSD 49152-65535);
      // the launcher checks the node's own range.
      ports: Array.from({ length: 20 }, () => randomInt(20000, 32768)),
    });
    request.signal.throwIfAborted();
    // Not abortable once sent: cutting sbatch short could leave a job whose id we never learnt. A cancel is honoured
    // right after, by cancelling the job.
    const id = await client.submit({ script, jobName: `hubtray-${request.serverName}`, logPath: logPath(runId) });
    this.job = { id, runId };
    this.parts.poller.watch(id);
    await request.saveState?.();
    this.emit({ progress: 20, message: `Submitted batch job ${id} to ${client.adapter.name} on ${client.where}` });
    return this.waitForServer(request.signal);
  }

  resumeStart(signal: AbortSignal): Promise<Endpoint> {
    return this.waitForServer(signal);
  }

  /** Follows the job through the queue until it has written its connection file. */
  private async waitForServer(signal: AbortSignal): Promise<Endpoint> {
    const job = this.requireJob();
    let since = 0;
    for (;;) {
      let seen: Observation<JobStatus>;
      try {
        seen = await this.parts.poller.observe(job.id, since, this.settings.startup_poll_interval * 1000, signal);
      } catch (error) {
        // A busy slurmctld or a dropped connection: shown, and tried again at the next interval until start_timeout.
        if (signal.aborted) throw signal.reason;
        this.say(30, `Could not read the queue, trying again: ${errorMessage(error)}`);
        await sleep(this.settings.startup_poll_interval * 1000, undefined, { signal });
        continue;
      }
      since = seen.at + 1;
      this.last = seen;
      const status = seen.status;
      if (status?.phase === 'queued') {
        this.say(30, queuedMessage(status, new Date()));
      } else if (status?.phase === 'running') {
        this.say(40, `Running on node ${status.node ?? '(unknown)'}`);
        const connection = await this.parts.client.connection(job.runId);
        if (connection) {
          job.node = connection.node;
          job.port = connection.port;
          return { ...(this.endpoint() as Endpoint), token: connection.token };
        }
        this.say(50, 'Starting Jupyter…');
      } else {
        throw new SpawnError(`${describeEnd(this.parts.client.adapter.name, job.id, status)}${await this.tail()}`);
      }
    }
  }

  endpoint(): Endpoint | null {
    const job = this.job;
    if (!job?.node || !job.port) return null;
    return { host: this.settings.ssh_node_mapping[job.node] ?? job.node, port: job.port, via: this.parts.via };
  }

  /**
   * The ports the job's server and its descendants listen on, on its node (a dashboard a notebook started), its own
   * port left out: read beside the job's processes, in a step of the job itself.
   */
  async listeningPorts(): Promise<number[]> {
    const job = this.job;
    if (!job?.port) return [];
    const result = await this.parts.client.onJobNode(job.id, listeningPortsScript({ port: job.port }), NODE_SCRIPT_TIMEOUT_MS);
    if (result.code !== 0) {
      const said = result.stderr.trim().split('\n').at(-1) || `exit status ${result.code}`;
      throw new SpawnError(`could not look at batch job ${job.id}'s node: ${boundedText(said, 300)}`);
    }
    return parseListeningPorts(result.stdout).filter((port) => port !== job.port);
  }

  /** Null until the job has ended; then its exit status, and exitReason() says how it ended. */
  async poll(): Promise<number | null> {
    // JupyterHub: a spawner that was never started (nor loaded) reports "not running", status 0.
    if (!this.job) return 0;
    const s = this.settings;
    // Fresh enough if it is younger than the runtime's shortest poll interval: then no query is needed.
    const fresh = s.poll_interval * 1000 * (1 - s.poll_jitter);
    const seen = await this.parts.poller.observe(this.job.id, Date.now() - fresh, fresh);
    this.last = seen;
    // A job still leaving its node (COMPLETING) is reported once it has left, with its final state (TIMEOUT…).
    if (seen.status?.phase === 'running' || seen.status?.phase === 'ending') return null;
    this.ended = describeEnd(this.parts.client.adapter.name, this.job.id, seen.status);
    return exitStatus(seen.status);
  }

  /** Cancels the job (queued or running) and waits until it has left its node. */
  async stop(): Promise<void> {
    const job = this.job;
    if (!job) return;
    await this.parts.client.cancel([job.id]);
    const deadline = Date.now() + STOP_WAIT_MS;
    for (let since = Date.now(); ; ) {
      const seen = await this.parts.poller.observe(job.id, since, this.settings.startup_poll_interval * 1000);
      since = seen.at + 1;
      if (!seen.status || seen.status.phase === 'ended') break;
      if (Date.now() > deadline) {
        throw new SpawnError(`batch job ${job.id} is still ${seen.status.state} ${STOP_WAIT_MS / 1000} s after it was cancelled`);
      }
    }
    await this.parts.client.removeFiles(job.runId);
  }

  async logs(): Promise<string> {
    return this.job ? this.parts.client.logTail(this.job.runId, LOG_BYTES) : '';
  }

  readLog: LogReader = async (range, maxBytes) => (this.job ? this.parts.client.readLog(this.job.runId, range, maxBytes) : null);

  username(): Promise<string> {
    return this.parts.username();
  }

  endsAt(): Date | null {
    const left = this.last?.status?.phase === 'running' ? this.last.status.timeLeftSeconds : null;
    return left === null || !this.last ? null : new Date(this.last.at + left * 1000);
  }

  exitReason(): string | null {
    return this.ended;
  }

  getState(): JsonObject {
    if (!this.job) return {};
    const { id, runId, node, port } = this.job;
    return { job_id: id, run_id: runId, ...(node && port ? { node, port } : {}) };
  }

  loadState(state: JsonObject): void {
    const { job_id: id, run_id: runId, node, port } = state;
    if (typeof id !== 'string' || !JOB_ID.test(id) || typeof runId !== 'string') return;
    this.job = { id, runId, ...(typeof node === 'string' && typeof port === 'number' ? { node, port } : {}) };
    this.parts.poller.watch(id);
  }

  clearState(): void {
    if (this.job) this.parts.poller.unwatch(this.job.id);
    this.job = null;
    this.last = null;
  }

  private requireJob(): Job {
    if (!this.job) throw new SpawnError('no batch job to follow');
    return this.job;
  }

  /** Progress, each distinct message once: the queue is read every few seconds, and mostly says the same. */
  private say(progress: number, message: string): void {
    if (message === this.said) return;
    this.said = message;
    this.emit({ progress, message });
  }

  private async tail(): Promise<string> {
    if (!this.job) return '';
    const lines = (await this.logs().catch(() => '')).trim().split('\n').slice(-TAIL_LINES).join('\n');
    return lines ? `\n--- last lines of the job's output ---\n${lines}` : '';
  }
}
