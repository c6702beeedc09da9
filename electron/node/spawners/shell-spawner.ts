// One spawner for every host a shell can reach: this computer (LocalProcessSpawner semantics) and SSH hosts. The
// host differs only in how a script reaches its shell (the ShellHost) and where the server is reached from.
import { randomInt } from 'node:crypto';
import type { SpawnerSettings } from '../../../shared/config.js';
import { parseByteSpecification } from '../../../shared/bytes.js';
import type { SshTarget } from '../ssh/ssh-target.js';
import { SpawnerBase, type Endpoint, type JsonObject, type SpawnRequest } from './spawner.js';
import {
  launchScript,
  logScript,
  parseLaunchOutput,
  pollScript,
  stopScript,
  type ProcessRef,
  type RunDir,
} from './shell-scripts.js';

export interface ShellResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A shell on some host: runs a script given on stdin. */
export interface ShellHost {
  /** For messages: "this computer" or "ssh host NAME". */
  readonly label: string;
  run(script: string): Promise<ShellResult>;
  username(): Promise<string>;
  /** Where run folders live on this host. */
  runDir(id: string): RunDir;
  /** Set when the server is reached through an SSH tunnel. */
  readonly via?: SshTarget;
}

export class SpawnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpawnError';
  }
}

const LOG_BYTES = 64 * 1024;

export class ShellSpawner extends SpawnerBase {
  private ref: ProcessRef | null = null;
  private port = 0;
  private runId = '';

  constructor(
    private readonly settings: SpawnerSettings,
    private readonly host: ShellHost,
  ) {
    super();
  }

  async start(request: SpawnRequest): Promise<Endpoint> {
    this.emit({ progress: 10, message: `Connecting to ${this.host.label}` });
    const username = await this.host.username();
    this.runId = `${request.serverName}-${randomInt(1e9).toString(36)}`;
    const runDir = this.host.runDir(this.runId);
    this.emit({ progress: 30, message: `Starting ${serverCommand(this.settings).join(' ')} on ${this.host.label} as ${username}` });
    request.signal.throwIfAborted();
    // Not abortable once sent: the launch takes a moment, and cutting it short could leave a process whose PID we
    // never learnt. A cancel is honoured right after, by stopping what was launched.
    const result = await this.host.run(
      launchScript({
        runDir,
        ports: Array.from({ length: 20 }, () => randomInt(20000, 60000)),
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
      throw new SpawnError(`could not start the server on ${this.host.label}: ${launched.error}${detail}`);
    }
    this.ref = { runDir, pid: launched.pid, lstart: launched.lstart };
    this.port = launched.port;
    this.emit({ progress: 50, message: `Server process ${launched.pid} started on port ${launched.port}` });
    return this.endpoint() as Endpoint;
  }

  endpoint(): Endpoint | null {
    if (!this.ref) return null;
    return { host: '127.0.0.1', port: this.port, ...(this.host.via ? { via: this.host.via } : {}) };
  }

  async poll(): Promise<number | null> {
    // JupyterHub: a spawner that was never started (nor loaded) reports "not running", status 0.
    if (!this.ref) return 0;
    const result = await this.host.run(pollScript(this.ref));
    if (result.stdout.includes('HUBTRAY_RUNNING')) return null;
    if (result.stdout.includes('HUBTRAY_GONE')) return 0;
    throw new SpawnError(`could not poll the server on ${this.host.label}: ${lastLine(result.stderr) || `exit ${result.code}`}`);
  }

  async stop(now = false): Promise<void> {
    if (!this.ref) return;
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

  username(): Promise<string> {
    return this.host.username();
  }

  getState(): JsonObject {
    return this.ref ? { pid: this.ref.pid, lstart: this.ref.lstart, port: this.port, run_id: this.runId } : {};
  }

  loadState(state: JsonObject): void {
    const { pid, lstart, port, run_id: runId } = state;
    if (typeof pid !== 'number' || typeof lstart !== 'string' || typeof port !== 'number' || typeof runId !== 'string') return;
    this.runId = runId;
    this.port = port;
    this.ref = { runDir: this.host.runDir(runId), pid, lstart };
  }

  clearState(): void {
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
