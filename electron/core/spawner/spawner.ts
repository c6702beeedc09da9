// JupyterHub's Spawner contract (seeds 001/002), moved onto the user's machine:
// start() resolves to where the server listens, progress() yields JupyterHub-shaped events while it starts,
// poll() is null while running or an exit status, stop(now) escalates, and get/load/clearState hold a JSON record
// that lets a restarted hubtray re-attach to a server that still runs.
import type { ProgressEvent } from '../../../shared/api.js';
import type { UserOptions } from '../../../shared/forms.js';
import type { SshTarget } from '../ssh/ssh-target.js';
import type { LogReader } from './log-range.js';

export type JsonObject = { [key: string]: unknown };

export interface SpawnRequest {
  serverName: string;
  userOptions: UserOptions;
  /** A fresh random token for this server; it travels in the environment, never in argv. */
  token: string;
  /** Aborted when the user cancels the start or start_timeout passes. */
  signal: AbortSignal;
  /**
   * Persists getState() at once. For a start that takes long (a batch job waiting in the queue): once the job exists,
   * a hub killed before start() resolves still finds it. The Hub always passes it.
   */
  saveState?(): Promise<void>;
}

/** Where the server listens, as seen from `via` (or from this computer when `via` is absent). */
export interface Endpoint {
  host: string;
  port: number;
  via?: SshTarget;
  /** Default 'http:'. A tunnel carries the bytes as they are, so an https server stays https through it. */
  protocol?: 'http:' | 'https:';
  /** The server's path on host:port; default '/'. A server behind a JupyterHub's proxy sits at /user/NAME/SERVER/. */
  path?: string;
  /**
   * The token the server accepts, when it is not the request's: a JupyterHub issues its own. The Hub keeps it in the
   * keychain like the request's token and uses it the same way (Authorization header; `?token=` when opening).
   */
  token?: string;
  /**
   * Set when a browser cannot log in with the token in the URL: the path (on host:port) to open instead, such as a
   * hub's login page, and why, for the user.
   */
  login?: { path: string; note: string };
}

export interface PollOptions {
  /**
   * A regular poll, one per this many ms: a host that checks all of its servers in one round (a shell host) may
   * answer with the first round after this server's last answer, on a cadence it keeps for all of them, so that its
   * servers share one round per interval. Without it, the check starts now or later.
   */
  everyMs?: number;
}

export interface Spawner {
  start(request: SpawnRequest): Promise<Endpoint>;
  progress(): AsyncIterable<ProgressEvent>;
  poll(options?: PollOptions): Promise<number | null>;
  stop(now?: boolean): Promise<void>;
  /** The server's own log (stdout and stderr), most recent part. */
  logs(): Promise<string>;
  /** Optional: the log by byte ranges, where it is a file on a host; without it a follow re-reads logs(). */
  readLog?: LogReader;
  /** The user name the server runs as, for `{username}` expansion. */
  username(): Promise<string>;
  /** Where the started (or loaded) server listens; null before start or after clearState. */
  endpoint(): Endpoint | null;
  /** Ends progress(): the Hub, not the spawner, decides when a server is ready (it answers HTTP). */
  endProgress(): void;
  getState(): JsonObject;
  loadState(state: JsonObject): void;
  clearState(): void;
  /**
   * Optional: carries on, after loadState(), with a start that a hubtray restart interrupted (a batch job still in
   * the queue), resolving like start(). Without it, a server found starting after a restart is re-attached like a
   * running one.
   */
  resumeStart?(signal: AbortSignal): Promise<Endpoint>;
  /** Optional: when the system will end the server by itself (a batch job's walltime); null when it will not. */
  endsAt?(): Date | null;
  /** Optional: why the server ended, in its system's words (state, exit code), once poll() has reported the end. */
  exitReason?(): string | null;
  /**
   * Optional: for servers whose browser login is not the token in the URL (an Outpost's lab logs in through the
   * personal hub's OAuth), the URL that logs the browser in and lands it on `serverUrl` (default_url, from here).
   */
  browserLogin?(serverUrl: string): Promise<string>;
  /** Optional: the seconds to the next poll, when the spawner's own setting decides it (custom_poll_interval). */
  pollIntervalSeconds?(): number | null;
  /**
   * Optional: true when poll() reads a host's process table, which can misreport (a clock step, a PID namespace, a
   * broken ps), so an end it reports counts only once the server no longer answers HTTP with its token. Systems
   * that report an end themselves (a scheduler, a remote hub, an Outpost, a user's hook) are taken at their word.
   */
  readonly confirmsExitByHttp?: boolean;
  /**
   * Optional: why a server that exited during its start did, as a line a person acts on (and what to do, on the
   * lines after it), when its log shows a cause the spawner knows; null leaves the Hub's own words.
   */
  explainEarlyExit?(log: string): Promise<string | null>;
  /**
   * Optional: the TCP ports the server's own process tree listens on, on its host, besides the server's own port (a
   * dashboard it started), found from the tree's sockets, never by scanning; offered for forwarding.
   */
  listeningPorts?(): Promise<number[]>;
  /** Optional: the ready event as the spawner words it (progress_ready_hook); it must stay a ready event. */
  readyEvent?(event: ProgressEvent): Promise<ProgressEvent>;
  /**
   * Optional: the server's last activity as its hub has recorded it (a remote JupyterHub's server model; what an
   * Outpost's lab reported to the personal hub), for the idle culler; null when the hub has recorded none.
   */
  hubActivity?(): Promise<Date | null>;
  /**
   * Optional: its server is reached through a hub's proxy, which counts every request as the user's activity (a
   * remote JupyterHub): the Hub's regular checks then ask the hub, not the server, so the hub's culler still works.
   */
  readonly behindHubProxy?: boolean;
}

/**
 * Progress plumbing shared by every spawner: emit() queues an event, progress() drains the queue until an event
 * says ready or failed. Mirrors JupyterHub, where progress() is an async generator read by the Hub.
 */
export abstract class SpawnerBase implements Spawner {
  private readonly queued: ProgressEvent[] = [];
  private wake: (() => void) | null = null;
  private finished = false;

  abstract start(request: SpawnRequest): Promise<Endpoint>;
  abstract poll(options?: PollOptions): Promise<number | null>;
  abstract stop(now?: boolean): Promise<void>;
  abstract logs(): Promise<string>;
  abstract username(): Promise<string>;
  abstract endpoint(): Endpoint | null;
  abstract getState(): JsonObject;
  abstract loadState(state: JsonObject): void;
  abstract clearState(): void;

  protected emit(event: ProgressEvent): void {
    if (this.finished) return;
    this.queued.push(event);
    if (event.ready || event.failed) this.finished = true;
    this.wake?.();
  }

  endProgress(): void {
    this.finished = true;
    this.wake?.();
  }

  async *progress(): AsyncIterable<ProgressEvent> {
    for (;;) {
      const next = this.queued.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.finished) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }
}
