// One server's idle culler: a check every cull_every (one request to the server through its tunnel, see
// jupyter-activity.ts), a warning cull_warning ahead with its countdown, "Keep running", and the stop. Owned by the
// server's runtime: started when it is ready, cleared when it stops or the hub closes; a check that fails is
// reported through the hub's background owner and the next one comes as planned.
import type { CommonSettings } from '../../../shared/config.js';
import { decideCull, latest, minutes, userActivityFromHub, type CullPolicy } from './cull-decision.js';
import { readJupyterActivity, type JupyterActivity } from './jupyter-activity.js';
import type { OwnTraffic } from './own-traffic.js';

export interface CullTarget {
  name: string;
  /** Where the server answers from this computer and its token; null while it cannot be reached (no tunnel). */
  reach(): { baseUrl: string; token: string } | null;
  /** When it became ready. */
  startedAt(): Date;
  /** Stops it, with the usual escalation, saying why. */
  cull(why: string): Promise<void>;
  /** What the server's hub recorded of its activity (jupyterhub, outpost), where a hub keeps such a record. */
  hubActivity?(): Promise<Date | null>;
  /** The Hub's own requests to the server (its HTTP checks, a kernels question); the culler's reads join them. */
  ownTraffic: OwnTraffic;
  warn(message: string): void;
  /** The countdown changed: the server's info is announced again. */
  changed(): void;
  background(what: string, task: Promise<unknown>): void;
}

/** setTimeout's longest delay (2^31 - 1 ms): a longer one overflows and fires at once. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export class CullWatch {
  private timer: NodeJS.Timeout | null = null;
  /** A check under way: the runtime's own polls call watch() meanwhile, and must not start a second one. */
  private checking = false;
  /** Between watch() and clear(): a check that was under way when its server stopped schedules no next one. */
  private watching = false;
  private keptAt: Date | null = null;
  /** The user's latest activity the hub saw: kept, since the hub's record moves on to hubtray's own later requests. */
  private hubSawUser: Date | null = null;
  private stopsAt: Date | null = null;
  private readonly policy: CullPolicy;
  private readonly everyMs: number;

  /** null when the settings cull nothing. `keptAt`: the user's last "Keep running", as remembered across restarts. */
  static from(settings: CommonSettings, target: CullTarget, keptAt: Date | null): CullWatch | null {
    const policy = { idleTimeoutSeconds: settings.cull_idle_timeout, maxAgeSeconds: settings.cull_max_age, cullBusy: settings.cull_busy, warningSeconds: settings.cull_warning };
    if (policy.idleTimeoutSeconds <= 0 && policy.maxAgeSeconds <= 0) return null;
    // The idle culler's default: half the timeout, so that a server is culled within 1.5 timeouts at the latest.
    const every = settings.cull_every > 0 ? settings.cull_every : (policy.idleTimeoutSeconds || policy.maxAgeSeconds) / 2;
    return new CullWatch(policy, every * 1000, target, keptAt);
  }

  private constructor(policy: CullPolicy, everyMs: number, private readonly target: CullTarget, keptAt: Date | null) {
    this.policy = policy;
    this.everyMs = everyMs;
    this.keptAt = keptAt;
  }

  /** Seconds until the warned cull, for the tray's and the window's countdown; absent when none is due. */
  secondsLeft(): number | undefined {
    return this.stopsAt ? Math.max(0, Math.round((this.stopsAt.getTime() - Date.now()) / 1000)) : undefined;
  }

  /** Watches from now on; a server watched again (a re-check after a reconnect) keeps its "Keep running". */
  watch(): void {
    this.watching = true;
    if (this.timer === null && !this.checking) this.schedule(this.everyMs);
  }

  clear(): void {
    this.watching = false;
    this.unschedule();
  }

  /** "Keep running": the clock starts again at `at`, for one more period. */
  keepRunning(at: Date): void {
    this.keptAt = at;
    const warned = this.stopsAt !== null;
    this.unschedule();
    this.schedule(this.everyMs);
    if (warned) this.target.changed();
  }

  private unschedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopsAt = null;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    if (!this.watching) return;
    this.timer = setTimeout(() => this.target.background(`checking whether ${this.target.name} is idle`, this.check()), Math.min(Math.max(0, delayMs), MAX_DELAY_MS));
    this.timer.unref();
  }

  private async check(): Promise<void> {
    this.timer = null;
    this.checking = true;
    try {
      await this.checkOnce();
    } finally {
      this.checking = false;
    }
  }

  /** What the server says of its activity, and what its hub saw of the user's since hubtray's own requests. */
  private async readActivity(reach: { baseUrl: string; token: string }, now: Date, idleSince: Date): Promise<JupyterActivity> {
    // The hub first: the server's read below passes the hub's proxy, and would be the record read after it.
    const hubSaw = (await this.target.hubActivity?.()) ?? null;
    this.hubSawUser = latest(this.hubSawUser, userActivityFromHub(hubSaw, this.target.ownTraffic, now));
    const server = await this.target.ownTraffic.around(() => readJupyterActivity({ ...reach, askKernels: !this.policy.cullBusy, idleSince }));
    return { ...server, lastActivity: latest(server.lastActivity, this.hubSawUser) };
  }

  private async checkOnce(): Promise<void> {
    const reach = this.target.reach();
    // Unreachable now (a tunnel that heals): no activity can be read, so nothing is culled on a guess.
    if (!reach) return this.schedule(this.everyMs);
    const now = new Date();
    const quietFor = Math.max(0, this.policy.idleTimeoutSeconds - this.policy.warningSeconds) * 1000;
    let activity;
    try {
      activity = await this.readActivity(reach, now, new Date(now.getTime() - quietFor));
    } catch (error) {
      this.schedule(this.everyMs);
      throw error;
    }
    const verdict = decideCull(this.policy, { now, startedAt: this.target.startedAt(), keptAt: this.keptAt, ...activity });
    if (verdict.action === 'cull') {
      this.clear();
      this.target.changed();
      await this.target.cull(verdict.why);
      return;
    }
    if (verdict.action === 'keep') {
      const wasWarned = this.stopsAt !== null;
      this.stopsAt = null;
      if (wasWarned) this.target.changed();
      const untilWarning = verdict.lookAgainAt ? verdict.lookAgainAt.getTime() - now.getTime() : this.everyMs;
      return this.schedule(Math.min(this.everyMs, untilWarning));
    }
    const first = this.stopsAt === null;
    this.stopsAt = verdict.stopsAt;
    if (first) this.target.warn(`${this.target.name} ${verdict.why}; it stops in ${minutes(verdict.stopsAt.getTime() - now.getTime())} unless you keep it running`);
    this.target.changed();
    this.schedule(Math.min(this.everyMs, verdict.stopsAt.getTime() - now.getTime()));
  }
}
