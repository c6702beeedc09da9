// The connection to one SSH target, supervised. Every command and forward to the target asks its link for the
// connection. While forwards hold the link (they stand for servers that may still run), a dropped connection is
// rebuilt in the background with capped exponential backoff and jitter, for as long as it takes, unless the error
// needs the user (a refused login, a changed host key, a config error). A wake or a network change probes the
// connection at once instead of waiting for keepalives to time out, and so does demand for a reconnect whose TCP
// connect (ours to the first hop, or a jump host's to the next) is stuck in SYN backoff. Each target has its own
// link, so a dead host never delays another host's tunnels.
import type { TunnelHealth } from '../../../shared/api.js';
import type { SshConnection } from './ssh-connection.js';
import { errorMessage, SshError } from './ssh-error.js';

export type LinkHealth = Omit<TunnelHealth, 'localPort'>;

// The first retry waits a moment, so that a whole fleet of clients does not hit a restarting server in the same
// millisecond; the jitter keeps them apart afterwards.
const backoffSeconds = [0.25, 1, 2, 4, 8, 16, 30];
const jitter = 0.2;
/** Demand (a local connection, a command) brings a retry forward, but not closer than this to a failed attempt. */
export const demandSpacingMs = 500;
/** How long a probe waits for an answer before the connection counts as dead. */
export const probeTimeoutMs = 2500;
/**
 * A TCP connect unanswered for this long is waiting out the kernel's SYN backoff (resends 1 s after the first SYN,
 * then further and further apart), so a path that has just come back would only be noticed at the next resend.
 */
const stuckConnectMs = 1000;

/**
 * The wait before retry `step` (0 after a success or a wake): about 0.25, 1, 2, 4, 8, 16, then 30 s for good. Each
 * is up to 20% shorter at random, so the cap is never exceeded.
 */
export function reconnectDelayMs(step: number, random: () => number = Math.random): number {
  const base = backoffSeconds[Math.min(step, backoffSeconds.length - 1)] ?? 30;
  return Math.round(base * 1000 * (1 - jitter * random()));
}

/** What the link gives each try at a login. */
export interface LoginTry {
  /** Aborted when the link gives this try up for a fresh TCP connect. */
  signal: AbortSignal;
  /**
   * To be called when the pending TCP connect is answered (the first hop's; for a later hop, the channel its jump host
   * opens to it): while a login goes on, the try is never given up. Called with what it waits for when a jump host is
   * asked to connect to the next hop, a TCP connect that may be stuck as the first one may.
   */
  tcpConnected: (waitingFor?: string) => void;
}

export interface LinkOptions {
  /** The target, for the log. */
  label: string;
  /** Logs in to the target, through every hop of its chain. */
  open: (login: LoginTry) => Promise<SshConnection>;
  log: (line: string) => void;
}

interface Outcome {
  resolve: (connection: SshConnection) => void;
  reject: (err: unknown) => void;
}

/** The pending attempt's try at a login; an attempt makes a fresh try when this one's TCP connect is stuck. */
interface TryState {
  /** The TCP connect it waits for, and since when; none while a login goes on. */
  waiting: { since: number; what: string } | undefined;
  giveUp: AbortController;
  outcome: Outcome;
}

export class Link {
  private current: SshConnection | undefined;
  private pending: Promise<SshConnection> | undefined;
  private currentTry: TryState | undefined;
  /** Callers waiting for a retry that is scheduled but has not started. */
  private waiting: (Outcome & { promise: Promise<SshConnection> }) | undefined;
  private timer: NodeJS.Timeout | undefined;
  // On the monotonic clock: a wall clock set back must not postpone a retry.
  private timerAt = 0;
  private notBefore = 0;
  /** Attempts since the connection was lost; shown in the health. */
  private attempt = 0;
  /** The place in the backoff schedule; a wake starts it over. */
  private step = 0;
  private holders = 0;
  private closed = false;
  private status: LinkHealth = { state: 'none' };
  private readonly listeners = new Set<(health: LinkHealth) => void>();

  constructor(private readonly options: LinkOptions) {}

  health(): LinkHealth {
    return { ...this.status };
  }

  /** The live connection, if any; connect() is how to get one. */
  get connection(): SshConnection | undefined {
    return this.current?.closed ? undefined : this.current;
  }

  onHealth(listener: (health: LinkHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The live connection; otherwise the outcome of the next attempt, which this demand brings forward (or, if its TCP
   * connect is stuck, makes afresh).
   */
  connect(): Promise<SshConnection> {
    if (this.closed) return Promise.reject(closedError());
    // Its close event may still be on its way.
    if (this.current?.closed) this.dropped(this.current, this.current.lostError());
    if (this.current) return Promise.resolve(this.current);
    if (this.pending) {
      this.connectAfresh('a new request');
      return this.pending;
    }
    const delay = this.notBefore - performance.now();
    if (delay <= 0) return this.startAttempt();
    if (this.schedule(delay) && this.status.state === 'reconnecting') this.setHealth({ ...this.status, nextTryInSeconds: seconds(delay) });
    if (!this.waiting) {
      let resolve!: (c: SshConnection) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<SshConnection>((res, rej) => ((resolve = res), (reject = rej)));
      this.waiting = { promise, resolve, reject };
    }
    return this.waiting.promise;
  }

  /** Keeps the link supervised until the returned function is called. */
  hold(): () => void {
    this.holders++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holders--;
    };
  }

  /**
   * After a wake or a network change: a connection that does not answer within probeTimeoutMs is dropped, a link
   * waiting to retry retries now, and an attempt stuck in its TCP connect connects afresh; the backoff starts over.
   */
  async probe(reason: string): Promise<void> {
    this.step = 0;
    const connection = this.current;
    if (connection && !connection.closed) {
      if (await connection.answers(probeTimeoutMs)) return;
      connection.destroy(
        new SshError('unreachable', `the connection to ${connection.label} did not answer within ${seconds(probeTimeoutMs)} s after ${reason}`),
      );
    } else if (this.timer) {
      void this.startAttempt();
    } else {
      this.connectAfresh(reason);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting?.reject(closedError());
    this.waiting = undefined;
    await Promise.all([this.current?.end(), this.pending?.then((connection) => connection.end(), () => {})]);
  }

  private startAttempt(): Promise<SshConnection> {
    if (this.pending) return this.pending;
    clearTimeout(this.timer);
    this.timer = undefined;
    const started = performance.now();
    this.countAttempt(this.status.lastError);
    const attempt = new Promise<SshConnection>((resolve, reject) => this.tryLogin({ resolve, reject })).then(
      (connection) => this.connected(connection),
      (err: unknown) => {
        this.failed(err, started);
        throw err;
      },
    );
    this.pending = attempt;
    // A background attempt has no caller to hear its failure.
    attempt.catch(() => {});
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) attempt.then(waiting.resolve, waiting.reject);
    return attempt;
  }

  private tryLogin(outcome: Outcome): void {
    const state: TryState = { waiting: { since: performance.now(), what: 'the TCP connect' }, giveUp: new AbortController(), outcome };
    this.currentTry = state;
    const { signal } = state.giveUp;
    const tcpConnected = (waitingFor?: string) => {
      state.waiting = waitingFor === undefined ? undefined : { since: performance.now(), what: `the TCP connect ${waitingFor}` };
    };
    // A try given up no longer speaks for the attempt; should it have logged in all the same, its connection goes.
    this.options.open({ signal, tcpConnected }).then(
      (connection) => {
        if (signal.aborted) void connection.end();
        else outcome.resolve(connection);
      },
      (err: unknown) => {
        if (!signal.aborted) outcome.reject(err);
      },
    );
  }

  /**
   * Demand or a probe while the pending try's TCP connect has gone unanswered for stuckConnectMs: a fresh try, whose
   * SYN a path that is back answers at once, replaces it. Only a TCP connect is cut short (ours, or a jump host's to
   * the next hop, which a fresh try asks for anew): a login under way, however slow its link, goes on.
   */
  private connectAfresh(reason: string): void {
    const stuck = this.currentTry;
    const waiting = stuck?.waiting;
    if (!stuck || !waiting) return;
    const waited = performance.now() - waiting.since;
    if (waited < stuckConnectMs) return;
    const lastError = `no answer to ${waiting.what} for ${seconds(waited)} s`;
    this.options.log(`ssh: ${this.options.label}: ${lastError}; connecting afresh after ${reason}`);
    stuck.giveUp.abort();
    // The health shows each fresh connect as an attempt, so that a long dead path does not look like one stuck try.
    this.countAttempt(lastError);
    this.tryLogin(stuck.outcome);
  }

  private countAttempt(lastError: string | undefined): void {
    this.attempt++;
    if (this.status.state === 'reconnecting' || this.status.state === 'failed') {
      this.setHealth({ state: 'reconnecting', attempt: this.attempt, lastError });
    }
  }

  private connected(connection: SshConnection): SshConnection {
    this.pending = undefined;
    this.currentTry = undefined;
    if (this.closed) {
      void connection.end();
      throw closedError();
    }
    this.current = connection;
    this.attempt = 0;
    this.step = 0;
    this.notBefore = 0;
    connection.onClose((reason) => this.dropped(connection, reason));
    this.setHealth({ state: 'connected' });
    return connection;
  }

  private failed(err: unknown, started: number): void {
    this.pending = undefined;
    this.currentTry = undefined;
    if (this.closed) return;
    this.notBefore = started + demandSpacingMs;
    const lastError = errorMessage(err);
    if (err instanceof SshError && err.needsUser) {
      this.options.log(`ssh: ${this.options.label}: no more retries until asked again: ${lastError}`);
      this.setHealth({ state: 'failed', lastError });
    } else {
      this.retryLater(lastError);
    }
  }

  private dropped(connection: SshConnection, reason: SshError): void {
    if (this.current !== connection) return;
    this.current = undefined;
    if (this.closed) return;
    this.attempt = 0;
    this.step = 0;
    this.retryLater(reason.message);
  }

  private retryLater(lastError: string): void {
    if (this.holders === 0) {
      // Nothing to keep up: the next command reconnects.
      this.setHealth({ state: 'none', lastError });
      return;
    }
    const delay = reconnectDelayMs(this.step++);
    this.schedule(delay);
    this.options.log(`ssh: ${this.options.label}: retrying in ${seconds(delay)} s (attempt ${this.attempt + 1}) after: ${lastError}`);
    this.setHealth({ state: 'reconnecting', attempt: this.attempt, nextTryInSeconds: seconds(delay), lastError });
  }

  /** Sets the retry timer to `delayMs` from now unless it already fires sooner; says whether it moved. */
  private schedule(delayMs: number): boolean {
    const at = performance.now() + delayMs;
    if (this.timer && this.timerAt <= at) return false;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => void this.startAttempt(), delayMs);
    // The servers and faces keep the process alive, not a pending retry.
    this.timer.unref();
    return true;
  }

  private setHealth(health: LinkHealth): void {
    this.status = health;
    for (const listener of this.listeners) listener(this.health());
  }
}

function closedError(): SshError {
  return new SshError('cancelled', 'the SSH pool is closed');
}

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}
