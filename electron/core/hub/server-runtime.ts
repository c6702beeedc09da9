// One server's life in the Hub: start (with start_timeout, tunnel and http_timeout), the checks while it runs, stop,
// cancel, and re-attach after a restart. Every status change goes through the table in server-lifecycle.ts, and is
// persisted before it is announced, so a hub killed at any moment finds on disk what it needs to re-attach or clean
// up. Nothing is deleted (token, tunnel, run folder) until the server is proven gone.
import type { EventPayload, ForwardsVia, KernelActivity, ProgressEvent, ServerInfo, TunnelHealth } from '../../../shared/api.js';
import type { CommonSettings } from '../../../shared/config.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { secretKeys } from '../secrets/secret-store.js';
import type { ServerRecord } from '../state/server-record.js';
import type { StateStore } from '../state/state-store.js';
import type { LocalForward, SshPool } from '../ssh/ssh-pool.js';
import { expandUsername } from '../shell-spawner/shell-spawner.js';
import type { Endpoint, JsonObject, PollOptions, Spawner } from '../spawner/spawner.js';
import { answersHttp, waitForHttp } from '../net/http-ready.js';
import { kernelActivity } from '../net/jupyter-kernels.js';
import { boundedText } from '../../../shared/text.js';
import { settingName } from '../../../shared/kinds/setting-name.js';
import { rawSection } from '../../../shared/reason.js';
import { redact } from './redact.js';
import { FullText } from './full-text.js';
import type { LogSource } from './log-follower.js';
import { wholeTextReader } from './log-follows.js';
import { ACTIVE_STATUSES, IllegalTransition, transition, type LifecycleEvent } from './server-lifecycle.js';
import { checkServer } from './server-check.js';
import { WalltimeWatch } from './walltime-watch.js';
import { CullWatch } from '../culler/cull-watch.js';
import { OwnTraffic } from '../culler/own-traffic.js';
import { extraForwardsOf } from '../../../shared/kinds/settings.js';
import { ForwardRefused, ServerForwards, type ForwardWish } from './server-forwards.js';
import { serverProxyLinks, sshForwards } from './forward-openers.js';

export interface RuntimeDeps {
  store: StateStore;
  secrets: SecretStore;
  pool: SshPool;
  changed: (info: ServerInfo) => void;
  progressed: (name: string, event: ProgressEvent) => void;
  /** Tells the user something about this server outside its progress, e.g. that its walltime is about to end. */
  notice: (level: 'info' | 'warning' | 'error', message: string, topic?: EventPayload<'notice'>['topic']) => void;
  /** Owns a task that runs in the background: its failure is caught and reported, never unhandled. */
  background: (what: string, task: Promise<unknown>) => void;
  /** Runs a start so that the prompts it raises (a password, a 2FA code) close when the start is cancelled. */
  askingFor: <T>(signal: AbortSignal, work: () => Promise<T>) => Promise<T>;
}

const LOG_TAIL_LINES = 12;
/** How often a followed log is read: a file on a host (one short script), or a log a peer sends whole (a request). */
const LOG_FILE_POLL_MS = 1000;
const LOG_TEXT_POLL_MS = 5000;
const serverLogTitle = 'last lines of the server log';
/** How soon a check that could not tell (the host unreachable, a command lost) is tried again. */
const RECHECK_SECONDS = 10;
/**
 * A running server's HTTP answer is asked at every this many regular polls (and at every other check: a fresh one,
 * one after a reconnect, one while it did not answer): it only words the status ("runs but does not answer"), and
 * over a tunnel each ask opens an SSH channel, the largest part of an idle hub's CPU with many servers. A server
 * that hangs is so shown within this many poll intervals; one that exits is seen at the next poll as before.
 */
const HTTP_EVERY_POLLS = 4;
/** Jupyter's words when the port it was given was taken between hubtray's choice and its own bind. */
const PORT_TAKEN = /port \d+ is (?:already in use|not available)|address already in use/i;
/** Launches with a fresh port after such a clash, before the start counts as failed. */
const PORT_ATTEMPTS = 3;
/** A stop's reason when the user asked for it; the desktop notices tell every other stop. */
const STOPPED_BY_USER = 'stopped by the user';

export class ServerRuntime {
  private readonly events: ProgressEvent[] = [];
  /** Progress messages and reasons as they came, for `logs --events`; what else sees them is bounded. */
  private readonly full = new FullText();
  private forward: LocalForward | null = null;
  /** Further ports through the same connection (extra_forwards, `hubtray forward`); open while the tunnel is. */
  private readonly forwards: ServerForwards;
  /** Regular polls since the server was last asked over HTTP, and what it said then. */
  private pollsSinceHttp = 0;
  private answeredHttp = false;
  private endpoint: Endpoint | null = null;
  private token: string | null = null;
  private starting: { abort: AbortController; done: Promise<void> } | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private unwatchTunnel: (() => void) | null = null;
  private readonly walltime: WalltimeWatch;
  /** The idle culler, when the system's settings cull (cull_idle_timeout, cull_max_age). */
  private readonly culler: CullWatch | null;
  /** The Hub's own requests to the server: a hub's proxy counts them as the server's activity. */
  private readonly ownTraffic = new OwnTraffic();
  /** Why this server's last change is not on disk yet (the state store retries by itself); null once it is. */
  private unsaved: string | null = null;
  private closed = false;

  constructor(
    private record: ServerRecord,
    private readonly spawner: Spawner,
    private readonly settings: CommonSettings,
    private readonly deps: RuntimeDeps,
  ) {
    this.walltime = new WalltimeWatch(record.name, (message) => deps.notice('warning', message, 'walltime'));
    this.culler = CullWatch.from(settings, {
      name: record.name,
      reach: () => {
        const baseUrl = this.record.status === 'running' ? this.baseUrl() : null;
        return baseUrl && this.token ? { baseUrl, token: this.token } : null;
      },
      startedAt: () => new Date(this.record.readyAt ?? this.record.createdAt),
      cull: (why) => this.stop(false, why),
      ...(spawner.hubActivity ? { hubActivity: () => (spawner.hubActivity as () => Promise<Date | null>)() } : {}),
      ownTraffic: this.ownTraffic,
      warn: (message) => deps.notice('warning', message, 'cull'),
      changed: () => deps.changed(this.info()),
      background: deps.background,
    }, record.keptRunningAt ? new Date(record.keptRunningAt) : null);
    this.forwards = new ServerForwards({ changed: () => deps.changed(this.info()) });
    this.forwards.load(record.forwards ?? this.configForwards());
  }

  get name(): string {
    return this.record.name;
  }

  get active(): boolean {
    return ACTIVE_STATUSES.includes(this.record.status);
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
      reason: this.unsaved ? [r.reason, this.unsaved].filter(Boolean).join('\n') : r.reason,
      tunnel: this.tunnelHealth(),
      ...(this.forwards.wishes().length > 0 ? { forwards: this.forwards.infos() } : {}),
      ...this.forwardsViaInfo(),
      logAvailable: this.active && this.spawner.endpoint() !== null,
      ...this.walltimeLeft(),
      ...(this.culler?.secondsLeft() !== undefined ? { cullInSeconds: this.culler.secondsLeft() } : {}),
      events: [...this.events],
    };
  }

  /** The state store saved again after failing: this server's changes are on disk now. */
  saved(): void {
    if (this.unsaved === null) return;
    this.unsaved = null;
    this.deps.changed(this.info());
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

  /** How busy its kernels are, asked of the server itself (through its tunnel, with its token). */
  async kernels(): Promise<KernelActivity> {
    const base = this.baseUrl();
    if (this.record.status !== 'running' || !base || !this.token) throw new Error(`${this.name} is ${this.record.status}, not running`);
    const token = this.token;
    return this.ownTraffic.around(() => kernelActivity(base, token));
  }

  /** Every progress message and reason this server had, in full (within FullText's own bound). */
  fullEvents(): string {
    return this.full.text();
  }

  async logs(): Promise<string> {
    const text = await this.spawner.logs();
    return this.token ? redact(text, [this.token]) : text;
  }

  /** The log for following it: by byte ranges where the spawner keeps it in a file, else its logs() read anew. */
  logSource(): LogSource {
    const byRange = this.spawner.readLog?.bind(this.spawner);
    return {
      read: byRange ?? wholeTextReader(() => this.spawner.logs()),
      intervalMs: byRange ? LOG_FILE_POLL_MS : LOG_TEXT_POLL_MS,
      secrets: () => (this.token ? [this.token] : []),
      active: () => this.active,
    };
  }

  /**
   * Runs the whole start: launch, tunnel, and the wait for HTTP. start_timeout bounds all of it (over SSH, "the
   * process has started" and "it answers" are one step for the user); http_timeout bounds the wait for HTTP.
   * Any failure, cancel or timeout stops what was launched, so nothing is left running on the host.
   */
  start(token: string): Promise<void> {
    return this.begin(async (signal) => {
      this.token = token;
      this.note({ progress: 0, message: 'Start requested', timeout: this.settings.start_timeout });
      await this.deps.secrets.set(secretKeys.serverToken(this.name), token);
      // A spawner saves what it knows before it launches anything (a run folder's name, a job's id), so that a hub
      // killed in the middle finds what it may have left running. That write must succeed, or nothing is launched.
      const saveState = () => this.update({ spawnerState: this.spawner.getState() }, { mustPersist: true });
      return this.spawner.start({ serverName: this.name, userOptions: this.record.userOptions, token, signal, saveState });
    }, this.settings.start_timeout, { retryPortClash: true });
  }

  private begin(launch: (signal: AbortSignal) => Promise<Endpoint>, timeoutSeconds: number, options: { retryPortClash: boolean }): Promise<void> {
    const abort = new AbortController();
    const done = this.deps.askingFor(abort.signal, () => this.runStart(launch, abort, timeoutSeconds, options));
    this.starting = { abort, done };
    return done;
  }

  private async runStart(
    launch: (signal: AbortSignal) => Promise<Endpoint>,
    abort: AbortController,
    timeoutSeconds: number,
    options: { retryPortClash: boolean },
  ): Promise<void> {
    const timer = setTimeout(() => abort.abort(new StartTimeout(this.settings.start_timeout)), Math.max(0, timeoutSeconds) * 1000);
    this.deps.background(`relaying the progress of ${this.name}`, this.relayProgress());
    try {
      for (let attempt = 1; ; attempt++) {
        const outcome = await this.launchAndWait(launch, abort.signal);
        if (outcome === 'ready') break;
        const log = await this.logText();
        if (outcome === 'gone' && options.retryPortClash && attempt < PORT_ATTEMPTS && PORT_TAKEN.test(log)) {
          // Another program took the port between hubtray's choice and the server's bind: a new port, not a failure.
          this.note({ progress: 40, message: `Port ${this.endpoint?.port ?? '?'} was taken meanwhile by another program; starting again on another port` });
          await this.spawner.stop(true);
          await this.dropTunnel();
          continue;
        }
        const why = outcome === 'gone' ? await this.whyItExited(log) : this.httpTimeoutWhy();
        throw new Error(`${why}${rawSection(serverLogTitle, log)}`);
      }
      this.spawner.endProgress();
      // From here on it is a running server: a stop must stop it, not cancel a start that has finished.
      clearTimeout(timer);
      this.starting = null;
      const ready: ProgressEvent = { progress: 100, message: `Server ready at ${this.baseUrl() as string}`, ready: true };
      this.note(this.spawner.readyEvent ? await this.spawner.readyEvent(ready) : ready);
      // Before it is announced running: a face that sees it running sees its forwards too.
      await this.openLinks();
      await this.move('ready', { readyAt: new Date().toISOString() });
      this.walltime.watch(this.spawner.endsAt?.());
      this.culler?.watch();
      this.schedulePoll();
    } catch (error) {
      const reason: unknown = abort.signal.aborted ? abort.signal.reason : error;
      if (reason instanceof HubClosing) return;
      const cancelled = reason instanceof StartCancelled;
      await this.failStart(cancelled ? 'cancelled' : 'start-failed', this.describe(reason) + (reason instanceof StartTimeout ? await this.logTail() : ''));
    } finally {
      clearTimeout(timer);
      this.starting = null;
    }
  }

  /** One launch: the spawner's start, the tunnel, and the wait until the server answers HTTP with its token. */
  private async launchAndWait(launch: (signal: AbortSignal) => Promise<Endpoint>, signal: AbortSignal): Promise<'ready' | 'gone' | 'timeout'> {
    this.endpoint = await launch(signal);
    if (this.endpoint.token && this.endpoint.token !== this.token) await this.useToken(this.endpoint.token);
    await this.update({ spawnerState: this.spawner.getState() }, { mustPersist: true });
    signal.throwIfAborted();
    await this.reach(this.record.tunnel.localPort);
    signal.throwIfAborted();
    this.note({ progress: 70, message: 'Waiting for the server to answer', timeout: this.settings.http_timeout });
    return waitForHttp(this.baseUrl() as string, this.token ?? '', this.settings.http_timeout, async () => (await this.spawner.poll()) !== null, signal);
  }

  cancel(): void {
    this.starting?.abort.abort(new StartCancelled());
  }

  get isStarting(): boolean {
    return this.starting !== null;
  }

  /**
   * Stops the server: interrupt, terminate, kill (JupyterHub's timeouts; `now` starts at terminate). A lost server
   * is stopped too: the spawner ends whatever carries this server's marks.
   */
  async stop(now: boolean, why = STOPPED_BY_USER): Promise<void> {
    const starting = this.starting;
    if (starting) {
      this.cancel();
      await starting.done;
    }
    if (this.record.status !== 'running' && this.record.status !== 'lost') return;
    this.clearPoll();
    this.culler?.clear();
    await this.move('stop');
    await this.carryOutStop(now, why);
  }

  /** "Keep running" before a cull: the idle clock starts again, for one more period. */
  async keepRunning(): Promise<void> {
    if (!this.culler) throw new Error(`${this.name} is not culled when idle: its system sets no ${settingName('cull_idle_timeout')} or ${settingName('cull_max_age')}`);
    const at = new Date();
    this.culler.keepRunning(at);
    await this.update({ keptRunningAt: at.toISOString() });
  }

  private async carryOutStop(now: boolean, why = STOPPED_BY_USER): Promise<void> {
    try {
      await this.spawner.stop(now);
    } catch (error) {
      // Still there as far as anyone knows: the next check (soon) says whether it runs or cannot be reached.
      await this.move('stop-failed', { reason: `could not stop it: ${this.describe(error)}` });
      this.schedulePoll(RECHECK_SECONDS);
      throw error;
    }
    await this.finish('exited', why, null);
  }

  /** Checks a running or lost server now rather than at its next poll. */
  async recheck(): Promise<void> {
    if (this.record.status !== 'running' && this.record.status !== 'lost') return;
    await this.pollOnce();
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
    const { status } = this.record;
    if (status === 'starting') {
      // hubtray went away during the start. A spawner that can carry on (a batch job in the queue) does; otherwise
      // whatever the launch left is found by what was saved before it (a run folder's pid file) and the start goes
      // on from there, waiting for HTTP as a start does. A launch that never happened fails the start, and anything
      // it may have left is stopped. start_timeout counts from the start itself.
      const found = async (): Promise<Endpoint> => {
        const endpoint = (await this.spawner.poll()) === null ? this.spawner.endpoint() : null;
        if (!endpoint) throw new Error('hubtray was stopped during the start, before the server was launched');
        return endpoint;
      };
      const resume = this.spawner.resumeStart?.bind(this.spawner) ?? found;
      const elapsed = (Date.now() - Date.parse(this.record.createdAt)) / 1000;
      this.deps.background(`resuming the start of ${this.name}`, this.begin(resume, this.settings.start_timeout - elapsed, { retryPortClash: false }));
      return;
    }
    if (status === 'stopping') {
      // The user asked for a stop that hubtray did not finish before it went away: finish it.
      await this.carryOutStop(true).catch(() => undefined);
      return;
    }
    await this.pollOnce('the server exited while hubtray was not running');
  }

  /** Stops watching; the server itself keeps running (quitting hubtray leaves servers up). */
  async close(): Promise<void> {
    this.closed = true;
    // A start in progress is left as it is, for the next hub to carry on (its record still says starting): quitting
    // hubtray leaves servers, and batch jobs waiting in the queue, alone.
    this.starting?.abort.abort(new HubClosing());
    this.clearPoll();
    this.walltime.clear();
    this.culler?.clear();
    await this.dropTunnel();
  }

  private async reach(preferredPort: number | undefined): Promise<void> {
    const endpoint = this.endpoint;
    if (!endpoint?.via || this.forward) return;
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
      const watched = this.record.status === 'running' || this.record.status === 'lost';
      if (previous === 'reconnecting' && health.state === 'connected' && watched) this.deps.background(`checking ${this.name}`, this.pollOnce());
      previous = health.state;
      this.deps.changed(this.info());
    });
    await this.update({ tunnel: { localPort: this.forward.localPort } });
    await this.forwards.open(sshForwards(this.deps.pool, endpoint.via, endpoint.host));
    await this.update({ forwards: this.forwards.wishes() });
  }

  /**
   * A server no SSH leads to, once it answers: its forwards open as links through its jupyter-server-proxy (one
   * question of the server, whether it has it, per run of the hub).
   */
  private async openLinks(): Promise<void> {
    const base = this.baseUrl();
    if (this.forwardsWay() !== 'server-proxy' || this.forwards.isOpen || !base || !this.token) return;
    const links = serverProxyLinks(base, this.token);
    // Its question goes through the hub's proxy, which counts it as the user's activity: the culler knows it as ours.
    await this.ownTraffic.around(() => this.forwards.open(links));
    await this.update({ forwards: this.forwards.wishes() });
  }

  private forwardsViaInfo(): { forwardsVia?: ForwardsVia } {
    const via = this.forwardsVia();
    return via ? { forwardsVia: via } : {};
  }

  /** How more of its ports can be forwarded now (see ServerInfo.forwardsVia). */
  private forwardsVia(): ForwardsVia | null {
    return this.record.status === 'running' ? this.forwardsWay() : null;
  }

  /** How its ports are reached, wherever it is (null: a server on this computer, or none launched). */
  private forwardsWay(): ForwardsVia | null {
    if (!this.endpoint) return null;
    if (this.endpoint.via) return 'ssh';
    return this.record.kind === 'jupyterhub' || this.record.kind === 'outpost' ? 'server-proxy' : null;
  }

  /** One more port of the server's host through its tunnel, for the server's life (see ServerForwards.add). */
  async addForward(wish: ForwardWish): Promise<void> {
    this.assertForwardable();
    if (wish.localPort && this.forwardsVia() === 'server-proxy') {
      throw new ForwardRefused(`${this.name} is reached through its jupyter-server-proxy, whose links have no local port; leave out the local port`);
    }
    await this.forwards.add(wish);
    await this.update({ forwards: this.forwards.wishes() });
  }

  /** Closes the forward of that remote port or label; says whether there was one. */
  async removeForward(which: number | string): Promise<boolean> {
    const removed = await this.forwards.remove(which);
    if (removed) await this.update({ forwards: this.forwards.wishes() });
    return removed;
  }

  /** The ports the server's process tree listens on, for forwarding (see Spawner.listeningPorts). */
  async listeningPorts(): Promise<number[]> {
    this.assertForwardable();
    const find = this.spawner.listeningPorts?.bind(this.spawner);
    if (!find) throw new ForwardRefused(`hubtray cannot find the ports a ${this.record.kind} server listens on; forward one by its number`);
    return find();
  }

  private assertForwardable(): void {
    if (this.record.status !== 'running') throw new ForwardRefused(`${this.name} is ${this.record.status}; only a running server's ports can be forwarded`);
    if (!this.forwardsVia()) {
      throw new ForwardRefused(`${this.name} runs on this computer: its ports are on 127.0.0.1 already, with nothing to forward them through`);
    }
  }

  /** The system's extra_forwards, as a fresh server wants them. */
  private configForwards(): ForwardWish[] {
    return extraForwardsOf(this.settings).map((f) => ({
      name: f.name,
      remotePort: f.remote_port,
      ...(f.local_port ? { localPort: f.local_port } : {}),
      chosen: f.local_port !== 0,
      origin: 'config' as const,
    }));
  }

  private async dropTunnel(): Promise<void> {
    await this.forwards.close();
    this.unwatchTunnel?.();
    this.unwatchTunnel = null;
    const forward = this.forward;
    this.forward = null;
    await forward?.close();
  }

  /** A start whose server exited: the spawner's words for a cause it knows, else the log's last line. */
  private async whyItExited(log: string): Promise<string> {
    const known = await this.spawner.explainEarlyExit?.(log);
    if (known) return known;
    const last = log.trim().split('\n').at(-1)?.trim();
    return `the server exited during its start${last ? `: ${boundedText(last, 300)}` : ''}`;
  }

  private httpTimeoutWhy(): string {
    const s = this.settings;
    return (
      `the server did not answer HTTP within ${settingName('http_timeout')} (${s.http_timeout} s) at ${this.triedAt()}\n` +
      `If it is only slow to start, raise ${settingName('http_timeout')} in the system's settings (Edit system, or config.json); ` +
      `${settingName('start_timeout')}, now ${s.start_timeout} s, bounds the whole start and must stay longer.`
    );
  }

  /** Where the wait for HTTP knocked, for a timeout's message: the URL, and the host a tunnel leads to. */
  private triedAt(): string {
    const via = this.endpoint?.via;
    return `${this.baseUrl() ?? 'no address'}${via && this.endpoint ? ` (through the tunnel to ${this.endpoint.host}:${this.endpoint.port} on ${via.host})` : ''}`;
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

  /** The next check after poll_interval, or after `retrySeconds` when this one could not tell (capped by it). */
  private schedulePoll(retrySeconds?: number): void {
    if (this.closed) return;
    this.clearPoll();
    const s = this.settings;
    const regular = this.spawner.pollIntervalSeconds?.() ?? s.poll_interval;
    const interval = retrySeconds === undefined ? regular : Math.min(regular, retrySeconds);
    const delay = interval * 1000 * (1 + s.poll_jitter * (Math.random() * 2 - 1));
    // A regular check joins the rounds of its host (see host-poller.ts): servers on one host then cost one check per
    // interval, whatever their number.
    const shared = { everyMs: interval * 1000 };
    this.pollTimer = setTimeout(() => this.deps.background(`checking ${this.name}`, this.pollOnce(undefined, shared)), delay);
    this.pollTimer.unref();
  }

  private clearPoll(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }

  /**
   * Checks the server (see server-check.ts) and acts on the verdict: running (the tunnel rebuilt if it was missing),
   * proven gone (cleaned up), or lost (everything kept, checked again soon). The next check is always scheduled.
   */
  async pollOnce(exitedWhy = 'the server exited', options: PollOptions = {}): Promise<void> {
    let retry: number | undefined;
    try {
      retry = await this.checkAndAct(exitedWhy, options);
    } finally {
      if (this.record.status === 'running' || this.record.status === 'lost') this.schedulePoll(retry);
    }
  }

  private async checkAndAct(exitedWhy: string, options: PollOptions): Promise<number | undefined> {
    const before = this.record.status;
    const regular = options.everyMs !== undefined;
    // A tunnel to rebuild is proven by an answer through it.
    const tunnelMissing = this.endpoint?.via !== undefined && this.forward === null;
    // A hub's proxy counts each request as the user's activity, so a server behind one is asked only until it has
    // answered once: regular requests would keep it from the hub's own idle culler for ever.
    const dueHttp = !this.spawner.behindHubProxy && this.pollsSinceHttp + 1 >= HTTP_EVERY_POLLS;
    const askHttp = !regular || !this.answeredHttp || tunnelMissing || dueHttp;
    const verdict = await checkServer(
      this.spawner,
      async () => {
        const base = this.baseUrl();
        const token = this.token;
        return token !== null && base !== null && this.ownTraffic.around(() => answersHttp(base, token));
      },
      options,
      askHttp || before !== 'running',
    );
    // A stop that came while the check waited (its answer may be the stop's own doing) decides how the server ended.
    if (this.record.status !== before) return undefined;
    if (verdict.state === 'exited') {
      await this.cleanupAfterExit(verdict.status, exitedWhy);
      return undefined;
    }
    if (verdict.state === 'unknown') {
      await this.move('lost', { reason: `${verdict.why}; hubtray keeps it and checks again in ${RECHECK_SECONDS} s` });
      return RECHECK_SECONDS;
    }
    // Asked after the check: a check can complete what the spawner knows (a PID and port found in a run folder).
    const endpoint = this.endpoint ?? this.spawner.endpoint();
    if (!this.token) {
      await this.move('lost', { reason: 'its process runs, but its token is missing from the keychain, so hubtray cannot reach it; stop it, or forget it' });
      return undefined;
    }
    if (!endpoint) {
      await this.move('lost', { reason: 'its process runs, but its saved state does not say where it listens; stop it, or forget it' });
      return undefined;
    }
    this.endpoint = endpoint;
    await this.reach(this.record.tunnel.localPort);
    const token = this.token;
    const answers = verdict.answers === null ? this.answeredHttp : verdict.answers || (this.baseUrl() !== null && (await this.ownTraffic.around(() => answersHttp(this.baseUrl() as string, token))));
    this.pollsSinceHttp = verdict.answers === null ? this.pollsSinceHttp + 1 : 0;
    this.answeredHttp = answers;
    if (answers) await this.openLinks();
    await this.move('ready', {
      reason: answers ? null : 'the process runs but does not answer HTTP through the tunnel',
      readyAt: this.record.readyAt ?? new Date().toISOString(),
      // What the check learnt (a PID found in the run folder, an identity moved onto the clock-proof kind) is kept.
      spawnerState: this.spawner.getState(),
    });
    this.walltime.watch(this.spawner.endsAt?.());
    this.culler?.watch();
    return undefined;
  }

  private walltimeLeft(): { walltimeLeftSeconds?: number } {
    const endsAt = this.active ? this.spawner.endsAt?.() : null;
    return endsAt ? { walltimeLeftSeconds: Math.max(0, Math.round((endsAt.getTime() - Date.now()) / 1000)) } : {};
  }

  private async cleanupAfterExit(status: number, why: string): Promise<void> {
    const tail = await this.logTail();
    // The spawner's own words, when it has them (a batch job's state and exit code), say more than a number.
    const how = this.spawner.exitReason?.();
    // What the server left (kernels of its own, its run folder) goes too; it is proven gone, so nothing of it lives.
    await this.spawner.stop(true).catch(() => undefined);
    // JupyterHub's poll() says 0 for "gone, status unknown": stored as no status rather than as a clean exit.
    const known = how !== null && how !== undefined ? status : status === 0 ? null : status;
    await this.finish('exited', `${why}${how ? `: ${how}` : ` (exit status ${known ?? 'unknown'})`}${tail}`, known);
  }

  private async failStart(event: 'start-failed' | 'cancelled', reason: string): Promise<void> {
    this.spawner.endProgress();
    // The cause alone: the whole reason, raw output and all, is the server's reason right after.
    this.note({ progress: 100, message: event === 'cancelled' ? 'Start cancelled' : `Start failed: ${reason.split('\n')[0]}`, failed: true });
    // A failed start leaves nothing behind on the host; if that cannot be made sure, the server is lost, not ended.
    try {
      await this.spawner.stop(true);
    } catch (error) {
      await this.move('lost', { reason: `${reason}; stopping what was launched also failed (${this.describe(error)}), so it may still run: stop it again, or forget it` });
      this.schedulePoll(RECHECK_SECONDS);
      return;
    }
    await this.finish(event, reason, null);
  }

  /** The server is proven gone (or never got going): its tunnel, token and saved state go. */
  private async finish(event: LifecycleEvent, reason: string, exitStatus: number | null): Promise<void> {
    this.clearPoll();
    this.walltime.clear();
    this.culler?.clear();
    this.spawner.clearState();
    await this.dropTunnel();
    this.forwards.load(this.configForwards());
    await this.deps.secrets.delete(secretKeys.serverToken(this.name)).catch(() => false);
    await this.move(event, { reason, exitStatus, stoppedAt: new Date().toISOString(), spawnerState: {}, forwards: undefined });
    this.token = null;
  }

  private async logTail(): Promise<string> {
    return rawSection(serverLogTitle, await this.logText());
  }

  /** The server log's last lines; none when it cannot be read. */
  private async logText(): Promise<string> {
    try {
      return (await this.logs()).trim().split('\n').slice(-LOG_TAIL_LINES).join('\n');
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
    const message = this.token ? redact(event.message, [this.token]) : event.message;
    this.full.add(`${event.progress ?? ''}% ${message}`);
    const bounded = { ...event, message: boundedText(message), time: new Date().toISOString() };
    this.events.push(bounded);
    this.deps.progressed(this.name, bounded);
  }

  /** A status change, through the lifecycle table; one the table refuses is reported and not made. */
  private async move(event: LifecycleEvent, patch: Partial<ServerRecord> = {}): Promise<void> {
    let status;
    try {
      status = transition(this.record.status, event);
    } catch (error) {
      if (!(error instanceof IllegalTransition)) throw error;
      this.deps.notice('error', `hubtray refused a change of ${this.name}: ${error.message}; please report this`);
      return;
    }
    await this.update({ ...patch, status });
  }

  /**
   * Persists, then announces. A write that fails (a full disk) keeps the change in memory, for the state store to
   * save when it can, and says so on the server; only writes that must be on disk before anything is launched throw.
   */
  private async update(patch: Partial<ServerRecord>, options: { mustPersist?: boolean } = {}): Promise<void> {
    const before = JSON.stringify(this.record);
    this.record = { ...this.record, ...patch };
    if (patch.reason) {
      const reason = this.token ? redact(patch.reason, [this.token]) : patch.reason;
      this.record.reason = boundedText(reason);
    }
    // A check that finds everything as it was (most of them) writes nothing and tells no face: at 50 servers, an
    // event per poll is work for every window and CLI that follows the hub.
    if (JSON.stringify(this.record) === before && this.unsaved === null) return;
    if (patch.reason) this.full.add(`${this.record.status}: ${this.token ? redact(patch.reason, [this.token]) : patch.reason}`);
    try {
      await this.deps.store.put(this.record);
      this.unsaved = null;
    } catch (error) {
      this.unsaved = this.describe(error);
      if (options.mustPersist) throw error;
    } finally {
      this.deps.changed(this.info());
    }
  }

  private describe(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    return this.token ? redact(message, [this.token]) : message;
  }
}

class StartTimeout extends Error {
  constructor(seconds: number) {
    super(
      `the start did not finish within ${settingName('start_timeout')} (${seconds} s)\n` +
        `If the system is only slow to start servers, raise ${settingName('start_timeout')} in its settings (Edit system, or config.json).`,
    );
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
