// One server's life in the Hub: start (with start_timeout, tunnel and http_timeout), the poll loop, stop, cancel,
// and re-attach after a restart. Every change is persisted before it is announced, so a hub killed at any moment
// finds on disk what it needs to re-attach or clean up.
import type { ProgressEvent, ServerInfo, ServerStatus, TunnelHealth } from '../../../shared/api.js';
import type { CommonSettings } from '../../../shared/config.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { secretKeys } from '../secrets/secret-store.js';
import type { ServerRecord } from '../state/server-record.js';
import type { StateStore } from '../state/state-store.js';
import type { LocalForward, SshPool } from '../ssh/ssh-pool.js';
import { expandUsername } from '../spawners/shell-spawner.js';
import type { Endpoint, JsonObject, Spawner } from '../spawners/spawner.js';
import { answersHttp, waitForHttp } from './http-ready.js';
import { redact } from './redact.js';

export interface RuntimeDeps {
  store: StateStore;
  secrets: SecretStore;
  pool: SshPool;
  changed: (info: ServerInfo) => void;
  progressed: (name: string, event: ProgressEvent) => void;
  /** Tells the user something about this server outside its progress, e.g. that its walltime is about to end. */
  notice: (level: 'info' | 'warning', message: string) => void;
  /** Runs a start so that the prompts it raises (a password, a 2FA code) close when the start is cancelled. */
  askingFor: <T>(signal: AbortSignal, work: () => Promise<T>) => Promise<T>;
}

const ACTIVE: ServerStatus[] = ['starting', 'running', 'stopping'];
const LOG_TAIL_LINES = 12;
// The warning before a server's system ends it (a batch job's walltime): time to save one's work.
const WALLTIME_WARNING_MS = 15 * 60_000;

export class ServerRuntime {
  private readonly events: ProgressEvent[] = [];
  private forward: LocalForward | null = null;
  private endpoint: Endpoint | null = null;
  private token: string | null = null;
  private starting: { abort: AbortController; done: Promise<void> } | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private unwatchTunnel: (() => void) | null = null;
  private walltimeTimer: NodeJS.Timeout | null = null;
  private warnedForEnd = 0;
  private closed = false;

  constructor(
    private record: ServerRecord,
    private readonly spawner: Spawner,
    private readonly settings: CommonSettings,
    private readonly deps: RuntimeDeps,
  ) {}

  get name(): string {
    return this.record.name;
  }

  get active(): boolean {
    return ACTIVE.includes(this.record.status);
  }

  /** The spawner's live state: set from the start of a start, so that discovery does not adopt it twice. */
  spawnerState(): JsonObject {
    return this.spawner.getState();
  }

  info(): ServerInfo {
    const r = this.record;
    return {
      name: r.name,
      system: r.system,
      kind: r.kind,
      status: r.status,
      url: r.status === 'running' ? this.baseUrl() : null,
      progress: this.events.at(-1)?.progress ?? (r.status === 'running' ? 100 : 0),
      userOptions: r.userOptions,
      createdAt: r.createdAt,
      readyAt: r.readyAt,
      stoppedAt: r.stoppedAt,
      exitStatus: r.exitStatus,
      reason: r.reason,
      tunnel: this.tunnelHealth(),
      ...this.walltimeLeft(),
      events: [...this.events],
    };
  }

  /**
   * The URL that logs the browser in: default_url, with the token as Jupyter's own URLs carry it. Where the server
   * takes no token in its URL, the login page its spawner names, with a note saying so.
   */
  async openUrl(): Promise<{ url: string; note?: string }> {
    const base = this.baseUrl();
    if (this.record.status !== 'running' || !base || !this.token) throw new Error(`${this.name} is ${this.record.status}, not running`);
    const login = this.endpoint?.login;
    if (login) return { url: new URL(login.path, base).toString(), note: login.note };
    const path = expandUsername(this.settings.default_url ?? '', await this.spawner.username()).replace(/^\/+/, '');
    const url = new URL(path, base);
    if (this.spawner.browserLogin) return { url: await this.spawner.browserLogin(url.toString()) };
    url.searchParams.set('token', this.token);
    return { url: url.toString() };
  }

  async logs(): Promise<string> {
    const text = await this.spawner.logs();
    return this.token ? redact(text, [this.token]) : text;
  }

  /**
   * Runs the whole start: launch, tunnel, and the wait for HTTP. start_timeout bounds all of it (over SSH, "the
   * process has started" and "it answers" are one step for the user); http_timeout bounds the wait for HTTP.
   * Any failure, cancel or timeout stops what was launched, so nothing is left running on the host.
   */
  start(token: string): Promise<void> {
    return this.begin(async (signal) => {
      this.token = token;
      this.note({ progress: 0, message: 'Start requested' });
      await this.deps.secrets.set(secretKeys.serverToken(this.name), token);
      const saveState = () => this.update({ spawnerState: this.spawner.getState() });
      return this.spawner.start({ serverName: this.name, userOptions: this.record.userOptions, token, signal, saveState });
    }, this.settings.start_timeout);
  }

  private begin(launch: (signal: AbortSignal) => Promise<Endpoint>, timeoutSeconds: number): Promise<void> {
    const abort = new AbortController();
    const done = this.deps.askingFor(abort.signal, () => this.runStart(launch, abort, timeoutSeconds));
    this.starting = { abort, done };
    return done;
  }

  private async runStart(launch: (signal: AbortSignal) => Promise<Endpoint>, abort: AbortController, timeoutSeconds: number): Promise<void> {
    const timer = setTimeout(() => abort.abort(new StartTimeout(this.settings.start_timeout)), Math.max(0, timeoutSeconds) * 1000);
    void this.relayProgress();
    try {
      this.endpoint = await launch(abort.signal);
      if (this.endpoint.token && this.endpoint.token !== this.token) await this.useToken(this.endpoint.token);
      const serverToken = this.token ?? '';
      await this.update({ spawnerState: this.spawner.getState() });
      abort.signal.throwIfAborted();
      await this.reach(this.record.tunnel.localPort);
      abort.signal.throwIfAborted();
      this.note({ progress: 70, message: `Waiting for the server to answer (http_timeout ${this.settings.http_timeout} s)` });
      const outcome = await waitForHttp(this.baseUrl() as string, serverToken, this.settings.http_timeout, async () => (await this.spawner.poll()) !== null, abort.signal);
      if (outcome !== 'ready') {
        const why = outcome === 'gone' ? 'the server exited during its start' : `the server did not answer HTTP within http_timeout (${this.settings.http_timeout} s)`;
        throw new Error(`${why}${await this.logTail()}`);
      }
      this.spawner.endProgress();
      // From here on it is a running server: a stop must stop it, not cancel a start that has finished.
      clearTimeout(timer);
      this.starting = null;
      const ready: ProgressEvent = { progress: 100, message: `Server ready at ${this.baseUrl() as string}`, ready: true };
      this.note(this.spawner.readyEvent ? await this.spawner.readyEvent(ready) : ready);
      await this.update({ status: 'running', readyAt: new Date().toISOString() });
      this.watchWalltime();
      this.schedulePoll();
    } catch (error) {
      const reason: unknown = abort.signal.aborted ? abort.signal.reason : error;
      if (reason instanceof HubClosing) return;
      const cancelled = reason instanceof StartCancelled;
      await this.failStart(cancelled ? 'cancelled' : 'failed', this.describe(reason) + (reason instanceof StartTimeout ? await this.logTail() : ''));
    } finally {
      clearTimeout(timer);
      this.starting = null;
    }
  }

  cancel(): void {
    this.starting?.abort.abort(new StartCancelled());
  }

  get isStarting(): boolean {
    return this.starting !== null;
  }

  async stop(now: boolean): Promise<void> {
    const starting = this.starting;
    if (starting) {
      this.cancel();
      await starting.done;
    }
    if (this.record.status !== 'running') return;
    this.clearPoll();
    await this.update({ status: 'stopping' });
    try {
      await this.spawner.stop(now);
    } catch (error) {
      await this.update({ status: 'running', reason: this.describe(error) });
      this.schedulePoll();
      throw error;
    }
    await this.finish('stopped', 'stopped by the user', null);
  }

  /** A server found running on its system that hubtray did not start: watched from now on, like after a restart. */
  async adopt(token: string): Promise<void> {
    await this.useToken(token);
    await this.reattach();
  }

  /** After a hub restart: is the server still there? If so, rebuild the tunnel on the same local port. */
  async reattach(): Promise<void> {
    this.spawner.loadState(this.record.spawnerState);
    this.token = await this.deps.secrets.get(secretKeys.serverToken(this.name));
    if (this.record.status === 'starting' && this.spawner.resumeStart) {
      // Still starting when hubtray went away (a batch job in the queue): carry on; start_timeout counts from the
      // start itself.
      const resumeStart = this.spawner.resumeStart.bind(this.spawner);
      const elapsed = (Date.now() - Date.parse(this.record.createdAt)) / 1000;
      void this.begin(resumeStart, this.settings.start_timeout - elapsed);
      return;
    }
    let status: number | null;
    try {
      status = await this.spawner.poll();
    } catch (error) {
      // The host is unreachable right now: keep the record and try again at the next poll.
      await this.update({ reason: `could not reach the server after a restart: ${this.describe(error)}` });
      this.schedulePoll();
      return;
    }
    if (status !== null || !this.token) {
      const why = this.token ? 'the server exited while hubtray was not running' : 'its token is missing from the keychain';
      await this.cleanupAfterExit(status ?? 0, why);
      return;
    }
    this.endpoint = this.spawner.endpoint();
    if (!this.endpoint) return this.cleanupAfterExit(0, 'its saved state is incomplete');
    await this.reach(this.record.tunnel.localPort);
    await this.update({ status: 'running', reason: null });
    this.watchWalltime();
    this.schedulePoll();
  }

  /** Stops watching; the server itself keeps running (quitting hubtray leaves servers up). */
  async close(): Promise<void> {
    this.closed = true;
    // A start in progress is left as it is, for the next hub to carry on (its record still says starting): quitting
    // hubtray leaves servers, and batch jobs waiting in the queue, alone.
    this.starting?.abort.abort(new HubClosing());
    this.clearPoll();
    this.clearWalltime();
    this.unwatchTunnel?.();
    await this.forward?.close();
    this.forward = null;
  }

  private async reach(preferredPort: number | undefined): Promise<void> {
    const endpoint = this.endpoint;
    if (!endpoint?.via) return;
    this.note({ progress: 60, message: `Opening an SSH tunnel to ${endpoint.via.host}` });
    try {
      this.forward = await this.deps.pool.forwardLocal(endpoint.via, endpoint, preferredPort ? { localPort: preferredPort } : {});
    } catch (error) {
      if (!preferredPort) throw error;
      // The old local port is taken by something else: a new port beats no tunnel.
      this.forward = await this.deps.pool.forwardLocal(endpoint.via, endpoint);
    }
    let previous = this.forward.health().state;
    this.unwatchTunnel = this.forward.onHealth((health) => {
      // Back from a reconnect: the server may have died meanwhile, and the user should learn it now, not at the
      // next poll_interval.
      if (previous === 'reconnecting' && health.state === 'connected' && this.record.status === 'running') void this.pollOnce();
      previous = health.state;
      this.deps.changed(this.info());
    });
    await this.update({ tunnel: { localPort: this.forward.localPort } });
  }

  /** The server's root URL from this computer (through the tunnel when there is one), or null while unreachable. */
  private baseUrl(): string | null {
    const e = this.endpoint;
    if (!e || (e.via && !this.forward)) return null;
    const origin = new URL(`${e.protocol ?? 'http:'}//127.0.0.1`);
    if (!e.via) origin.hostname = e.host;
    origin.port = String(this.forward?.localPort ?? e.port);
    return new URL(e.path ?? '/', origin).toString();
  }

  /** Servers whose spawner issues their token (see Endpoint.token) are reached with that one. */
  private async useToken(token: string): Promise<void> {
    this.token = token;
    await this.deps.secrets.set(secretKeys.serverToken(this.name), token);
  }

  private tunnelHealth(): TunnelHealth {
    if (this.forward) return this.forward.health();
    return { state: 'none' };
  }

  private schedulePoll(): void {
    if (this.closed) return;
    this.clearPoll();
    const s = this.settings;
    const interval = this.spawner.pollIntervalSeconds?.() ?? s.poll_interval;
    const delay = interval * 1000 * (1 + s.poll_jitter * (Math.random() * 2 - 1));
    this.pollTimer = setTimeout(() => void this.pollOnce(), delay);
    this.pollTimer.unref();
  }

  private clearPoll(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }

  /** Poll by process, then by HTTP through the tunnel; only the process decides that a server has stopped. */
  async pollOnce(): Promise<void> {
    let status: number | null;
    try {
      status = await this.spawner.poll();
    } catch (error) {
      if (this.record.status !== 'running') return;
      await this.update({ reason: `poll failed, will retry: ${this.describe(error)}` });
      this.schedulePoll();
      return;
    }
    // A stop that came while the poll waited (its answer may be the stop's own doing) decides how the server ended.
    if (this.record.status !== 'running') return;
    if (status !== null) return this.cleanupAfterExit(status, 'the server exited');
    const base = this.baseUrl();
    const answers = this.token && base ? await answersHttp(base, this.token) : false;
    if (this.record.status !== 'running') return;
    await this.update({ reason: answers ? null : 'the process runs but does not answer HTTP through the tunnel' });
    this.watchWalltime();
    this.schedulePoll();
  }

  private walltimeLeft(): { walltimeLeftSeconds?: number } {
    const endsAt = this.active ? this.spawner.endsAt?.() : null;
    return endsAt ? { walltimeLeftSeconds: Math.max(0, Math.round((endsAt.getTime() - Date.now()) / 1000)) } : {};
  }

  /** Warns WALLTIME_WARNING_MS before the server's system ends it; again only if the end moves later. */
  private watchWalltime(): void {
    this.clearWalltime();
    const end = this.spawner.endsAt?.()?.getTime();
    if (end === undefined || this.closed || end <= this.warnedForEnd + 60_000) return;
    const warn = () => {
      this.warnedForEnd = end;
      const minutes = Math.max(1, Math.round((end - Date.now()) / 60_000));
      const at = new Date(end).toTimeString().slice(0, 5);
      this.deps.notice('warning', `${this.name}: its walltime ends in ${minutes} minute${minutes === 1 ? '' : 's'}, at ${at}; save your work`);
    };
    const delay = end - WALLTIME_WARNING_MS - Date.now();
    if (delay <= 0) warn();
    else this.walltimeTimer = setTimeout(warn, delay).unref();
  }

  private clearWalltime(): void {
    if (this.walltimeTimer) clearTimeout(this.walltimeTimer);
    this.walltimeTimer = null;
  }

  private async cleanupAfterExit(status: number, why: string): Promise<void> {
    const tail = await this.logTail();
    // The spawner's own words, when it has them (a batch job's state and exit code), say more than a number.
    const how = this.spawner.exitReason?.();
    await this.spawner.stop(true).catch(() => undefined);
    await this.finish('stopped', `${why}${how ? `: ${how}` : ` (exit status ${status === 0 ? 'unknown' : status})`}${tail}`, status);
  }

  private async failStart(status: 'failed' | 'cancelled', reason: string): Promise<void> {
    this.spawner.endProgress();
    this.note({ progress: 100, message: status === 'cancelled' ? 'Start cancelled' : `Start failed: ${reason}`, failed: true });
    // A failed start leaves nothing behind on the host.
    let cleanup = '';
    await this.spawner.stop(true).catch((error: unknown) => (cleanup = `; cleaning up also failed: ${this.describe(error)}`));
    await this.finish(status, reason + cleanup, null);
  }

  private async finish(status: ServerStatus, reason: string, exitStatus: number | null): Promise<void> {
    this.clearPoll();
    this.clearWalltime();
    this.spawner.clearState();
    this.unwatchTunnel?.();
    await this.forward?.close();
    this.forward = null;
    await this.deps.secrets.delete(secretKeys.serverToken(this.name)).catch(() => false);
    await this.update({ status, reason, exitStatus, stoppedAt: new Date().toISOString(), spawnerState: {} });
    this.token = null;
  }

  private async logTail(): Promise<string> {
    try {
      const lines = (await this.logs()).trim().split('\n').slice(-LOG_TAIL_LINES).join('\n');
      return lines ? `\n--- last lines of the server log ---\n${lines}` : '';
    } catch {
      return '';
    }
  }

  private async relayProgress(): Promise<void> {
    for await (const event of this.spawner.progress()) this.note(event);
  }

  private note(event: ProgressEvent): void {
    const last = this.events.at(-1);
    if (last?.ready || last?.failed) return;
    this.events.push(event);
    this.deps.progressed(this.name, event);
  }

  private async update(patch: Partial<ServerRecord>): Promise<void> {
    this.record = { ...this.record, ...patch };
    if (patch.reason) this.record.reason = this.token ? redact(patch.reason, [this.token]) : patch.reason;
    await this.deps.store.put(this.record);
    this.deps.changed(this.info());
  }

  private describe(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    return this.token ? redact(message, [this.token]) : message;
  }
}

class StartTimeout extends Error {
  constructor(seconds: number) {
    super(`start_timeout of ${seconds} s exceeded`);
  }
}

class HubClosing extends Error {
  constructor() {
    super('hubtray is closing');
  }
}

class StartCancelled extends Error {
  constructor() {
    super('cancelled by the user');
  }
}
