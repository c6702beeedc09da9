// A server's statuses and every way it moves between them, in one table. JupyterHub's semantics: a server is pending
// (starting) until it answers HTTP, ready (running) while poll() is null, and stopped once poll() reports an exit.
// hubtray adds `lost` for "cannot tell": it never calls a server stopped without proof, because a stopped server's
// token, tunnel and run folder are deleted. Every status change in server-runtime.ts goes through `transition`.
import type { ServerStatus } from '../../../shared/api.js';

export type LifecycleEvent =
  /** The server answers HTTP with its token: the start is done, or a re-check found it alive. */
  | 'ready'
  /** The start failed, or start_timeout passed; what was launched has been stopped. */
  | 'start-failed'
  /** The user cancelled the start; what was launched has been stopped. */
  | 'cancelled'
  /** The user asked for a stop. */
  | 'stop'
  /** The stop could not be carried out (the host refused, the process survived SIGKILL); the server still runs. */
  | 'stop-failed'
  /** Proven gone: the process check says so and the server does not answer, or its system reports the end. */
  | 'exited'
  /** The checks cannot tell or disagree: the host is unreachable, or the process check fails while HTTP answers. */
  | 'lost';

/**
 * From each status, the events it accepts and where they lead. Absent means refused. `stopped`, `failed` and
 * `cancelled` are ends: a start under the same name is a new server with a new record.
 */
export const LIFECYCLE: Readonly<Record<ServerStatus, Readonly<Partial<Record<LifecycleEvent, ServerStatus>>>>> = {
  starting: { ready: 'running', 'start-failed': 'failed', cancelled: 'cancelled', exited: 'stopped', lost: 'lost' },
  running: { ready: 'running', stop: 'stopping', exited: 'stopped', lost: 'lost' },
  stopping: { exited: 'stopped', 'stop-failed': 'running', lost: 'lost' },
  lost: { ready: 'running', stop: 'stopping', exited: 'stopped', lost: 'lost' },
  stopped: {},
  failed: {},
  cancelled: {},
};

/** Statuses in which something may run on the server's system, so the Hub keeps watching it. */
export const ACTIVE_STATUSES: readonly ServerStatus[] = ['starting', 'running', 'stopping', 'lost'];

/** Statuses from which the user may forget a server: it has ended, or it is lost and the user gives up on it. */
export const FORGETTABLE_STATUSES: readonly ServerStatus[] = ['stopped', 'failed', 'cancelled', 'lost'];

export class IllegalTransition extends Error {
  constructor(
    readonly from: ServerStatus,
    readonly event: LifecycleEvent,
  ) {
    super(`a ${from} server cannot take "${event}"`);
    this.name = 'IllegalTransition';
  }
}

/** Where `event` leads from `from`; throws IllegalTransition when the table refuses it. */
export function transition(from: ServerStatus, event: LifecycleEvent): ServerStatus {
  const to = LIFECYCLE[from][event];
  if (to === undefined) throw new IllegalTransition(from, event);
  return to;
}
