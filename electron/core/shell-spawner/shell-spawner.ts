// One spawner for every host a shell can reach: this computer (LocalProcessSpawner semantics) and SSH hosts. The
// host differs only in how a script reaches its shell (the ShellHost) and where the server is reached from.
import { randomInt } from 'node:crypto';
import { CodedError } from '../../../shared/api.js';
import type { SpawnerSettings } from '../../../shared/config.js';
import { parseByteSpecification } from '../../../shared/bytes.js';
import { SpawnerBase, type Endpoint, type JsonObject, type PollOptions, type SpawnRequest } from '../spawner/spawner.js';
import { hostPoller, type HostPoller } from './host-poller.js';
import type { ShellHost } from './shell-host.js';
import { rawSection } from '../../../shared/reason.js';
import { cmdAdvice, findServerCommands, missingCommandCause, shownCommand, spokenCommand } from './jupyter-commands.js';
import type { LogReader } from '../spawner/log-range.js';
import { logRangeScript, parseLogRange } from './log-follow-script.js';
import { listeningPortsScript, parseListeningPorts } from './listening-ports-script.js';
import { cwdExpr, launchScript, logScript, parseLaunchOutput, stopScript, type ProcessRef } from './shell-scripts.js';

export type { ShellHost, ShellResult } from './shell-host.js';

export class SpawnError extends CodedError {
  constructor(message: string) {
    super('failed', message);
    this.name = 'SpawnError';
  }
}

const LOG_BYTES = 64 * 1024;
/** The launch script's exit status when the command is not there (a shell's own for "command not found"). */
const commandMissing = 127;

export class ShellSpawner extends SpawnerBase {
  readonly confirmsExitByHttp = true;
  private ref: ProcessRef | null = null;
  private port = 0;
  private runId = '';
  private readonly checks: HostPoller;
  /** When the round of the last poll answer started (ms since the epoch). */
  private answeredAt = 0;

  /** `pollOwner`: what the host's shared poller lives as long as (the Hub's SSH pool). */
  constructor(
    private readonly settings: SpawnerSettings,
    private readonly host: ShellHost,
    pollOwner: object,
  ) {
    super();
    this.checks = hostPoller(pollOwner, host, (result) => new SpawnError(`could not poll the server on ${host.label}: ${lastLine(result.stderr) || `exit ${result.code}`}`));
  }

  async start(request: SpawnRequest): Promise<Endpoint> {
    this.emit({ progress: 10, message: `Connecting to ${this.host.label}` });
    const username = await this.host.username();
    this.runId = `${request.serverName}-${randomInt(1e9).toString(36)}`;
    const runDir = this.host.runDir(this.runId);
    // Known before anything runs, and saved: a hub that goes away during the launch finds the server by its run
    // folder (its pid file, its mark), so the launch leaves no process nobody knows of.
    this.ref = { runDir, pid: null, identity: null };
    await request.saveState?.();
    this.emit({ progress: 30, message: `Starting ${serverCommand(this.settings).join(' ')} on ${this.host.label} as ${username}` });
    request.signal.throwIfAborted();
    // Not abortable once sent: the launch takes a moment, and cutting it short could leave a process whose PID we
    // never learnt. A cancel is honoured right after, by stopping what was launched.
    const result = await this.host.run(
      launchScript({
        runDir,
        ports: Array.from({ length: 20 }, () => randomInt(20000, 32768)),
        argv: [...serverCommand(this.settings), ...this.settings.args],
        keep: this.settings.env_keep,
        env: this.environment(request.token),
        cwd: expandUsername(this.settings.notebook_dir ?? '', username),
        serverFlags: ['--ip=127.0.0.1', '--port-retries=0', '--no-browser'],
      }),
    );
    const launched = parseLaunchOutput(result.stdout);
    if ('error' in launched) {
      const detail = result.stderr.trim() ? ` (${lastLine(result.stderr)})` : '';
      if (result.code === commandMissing) throw new SpawnError(await this.missing(shownCommand(serverCommand(this.settings)).join(' '), `${launched.error}${detail}`));
      throw new SpawnError(`could not start the server on ${this.host.label}: ${launched.error}${detail}`);
    }
    this.ref = { runDir, pid: launched.pid, identity: launched.identity };
    this.port = launched.port;
    this.emit({ progress: 50, message: `Server process ${launched.pid} started on port ${launched.port}` });
    return this.endpoint() as Endpoint;
  }

  endpoint(): Endpoint | null {
    if (!this.ref || !this.port) return null;
    return { host: '127.0.0.1', port: this.port, ...(this.host.via ? { via: this.host.via } : {}) };
  }

  async poll(options: PollOptions = {}): Promise<number | null> {
    // JupyterHub: a spawner that was never started (nor loaded) reports "not running", status 0.
    if (!this.ref) return 0;
    const { ref, runId } = this;
    // A regular poll: the host's next round after the last answer; otherwise a round that starts now or later.
    // (Never later than now: after the wall clock stepped back, "after the last answer" would lie in the future.)
    const [since, spacing] = options.everyMs ? [Math.min(this.answeredAt + 1, Date.now()), options.everyMs] : [Date.now(), 0];
    const { answer, at } = await this.checks.check(runId, ref, since, spacing);
    this.answeredAt = at;
    // Cleared or started anew while the round ran: this answer is about a server this spawner no longer has.
    if (this.runId !== runId || !this.ref) return this.poll(options);
    if (answer.running) {
      // The process as it is now: completes a ref that knew only its run folder, and moves a record of the old
      // `ps:` kind onto the clock-proof identity once the process is proven ours.
      this.ref = { ...ref, pid: answer.pid, identity: answer.identity ?? ref.identity };
      if (!this.port && answer.port) this.port = answer.port;
      return null;
    }
    this.checks.forget(this.runId);
    return 0;
  }

  async stop(now = false): Promise<void> {
    if (!this.ref) return;
    this.checks.forget(this.runId);
    const s = this.settings;
    const result = await this.host.run(
      stopScript({ ...this.ref, now, interruptTimeout: s.interrupt_timeout, termTimeout: s.term_timeout, killTimeout: s.kill_timeout }),
    );
    if (!result.stdout.includes('HUBTRAY_STOPPED')) {
      const why = /HUBTRAY_ERROR (.*)/.exec(result.stdout)?.[1] ?? (lastLine(result.stderr) || `exit ${result.code}`);
      throw new SpawnError(`could not stop the server on ${this.host.label}: ${why}`);
    }
  }

  async logs(): Promise<string> {
    if (!this.ref) return '';
    return (await this.host.run(logScript(this.ref.runDir, LOG_BYTES))).stdout;
  }

  readLog: LogReader = async (range, maxBytes) => {
    if (!this.ref) return null;
    const { runDir } = this.ref;
    const file = `${cwdExpr('home' in runDir ? `~/${runDir.home}` : runDir.absolute)}/log`;
    const result = await this.host.run(logRangeScript(file, range, maxBytes));
    return parseLogRange(result.stdout, result.stderr);
  };

  username(): Promise<string> {
    return this.host.username();
  }

  /** The ports the server's process tree listens on (its kernels, a dashboard it started), its own port left out. */
  async listeningPorts(): Promise<number[]> {
    const pid = this.ref?.pid;
    if (!pid) return [];
    const result = await this.host.run(listeningPortsScript({ pid }));
    return parseListeningPorts(result.stdout).filter((port) => port !== this.port);
  }

  /** `jupyter lab` exits at once when JupyterLab is not installed, with its usage and the reason last: said first. */
  async explainEarlyExit(log: string): Promise<string | null> {
    const sub = /^Jupyter command `(jupyter-[\w.-]+)` not found\.?$/m.exec(log)?.[1];
    return sub ? this.missing(spokenCommand(sub), '') : null;
  }

  /** The cause and the way out when `command` is not there, with the Jupyter servers the host does have. */
  private async missing(command: string, said: string): Promise<string> {
    const found = await findServerCommands(this.host);
    return `${missingCommandCause({ host: this.host.label, command, found })}\n${cmdAdvice(found)}${rawSection(`what ${this.host.label} said`, said)}`;
  }

  getState(): JsonObject {
    if (!this.ref) return {};
    const { pid, identity } = this.ref;
    return { run_id: this.runId, ...(pid !== null ? { pid } : {}), ...(identity !== null ? { identity } : {}), ...(this.port ? { port: this.port } : {}) };
  }

  loadState(state: JsonObject): void {
    const { pid, port, run_id: runId } = state;
    // Records written before the clock-proof identity hold ps's start time as `lstart`: still read, as a `ps:` one.
    const identity = typeof state.identity === 'string' ? state.identity : typeof state.lstart === 'string' ? `ps:${state.lstart}` : null;
    if (typeof runId !== 'string' || !/^[A-Za-z0-9._-]+$/.test(runId)) return;
    this.runId = runId;
    this.port = typeof port === 'number' ? port : 0;
    this.ref = { runDir: this.host.runDir(runId), pid: typeof pid === 'number' ? pid : null, identity };
  }

  clearState(): void {
    if (this.ref) this.checks.forget(this.runId);
    this.ref = null;
    this.port = 0;
    this.runId = '';
  }

  /** JupyterHub's get_env: `environment`, the resource limits as MEM_LIMIT etc., and the token. */
  private environment(token: string): Record<string, string> {
    const s = this.settings;
    const env: Record<string, string> = { ...s.environment };
    if (s.mem_limit !== undefined) env.MEM_LIMIT = String(parseByteSpecification(s.mem_limit));
    if (s.mem_guarantee !== undefined) env.MEM_GUARANTEE = String(parseByteSpecification(s.mem_guarantee));
    if (s.cpu_limit !== undefined) env.CPU_LIMIT = String(s.cpu_limit);
    if (s.cpu_guarantee !== undefined) env.CPU_GUARANTEE = String(s.cpu_guarantee);
    env.JUPYTER_TOKEN = token;
    return env;
  }
}

/** JupyterHub's cmd as an argv; JupyterLab unless the system names another command. */
export function serverCommand(settings: Pick<SpawnerSettings, 'cmd'>): string[] {
  const cmd = settings.cmd ?? ['jupyter', 'lab'];
  return typeof cmd === 'string' ? [cmd] : cmd;
}

export function expandUsername(template: string, username: string): string {
  return template.replaceAll('{username}', username);
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}
