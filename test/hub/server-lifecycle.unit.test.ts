// The server state machine, row by row: every status with every event, what JupyterHub's semantics and "stopped only
// when proven" say it must do. A new status or event fails here until someone decides each of its rows.
import { describe, expect, it } from 'vitest';
import { ServerStatus } from '../../shared/api.js';
import { ACTIVE_STATUSES, FORGETTABLE_STATUSES, IllegalTransition, LIFECYCLE, transition, type LifecycleEvent } from '../../electron/core/hub/server-lifecycle.js';

const events: LifecycleEvent[] = ['ready', 'start-failed', 'cancelled', 'stop', 'stop-failed', 'exited', 'lost'];
const x = null; // refused

// Rows: from; columns in the order of `events`.
const expected: Record<ServerStatus, (ServerStatus | null)[]> = {
  //          ready      start-failed cancelled    stop        stop-failed exited     lost
  starting: ['running', 'failed', 'cancelled', x, x, 'stopped', 'lost'],
  running: ['running', x, x, 'stopping', x, 'stopped', 'lost'],
  stopping: [x, x, x, x, 'running', 'stopped', 'lost'],
  lost: ['running', x, x, 'stopping', x, 'stopped', 'lost'],
  stopped: [x, x, x, x, x, x, x],
  failed: [x, x, x, x, x, x, x],
  cancelled: [x, x, x, x, x, x, x],
};

describe('the server lifecycle table', () => {
  it('has a row for every status the contract knows', () => {
    expect(Object.keys(LIFECYCLE).sort()).toEqual([...ServerStatus.options].sort());
    expect(Object.keys(expected).sort()).toEqual([...ServerStatus.options].sort());
  });

  for (const from of ServerStatus.options) {
    events.forEach((event, column) => {
      const to = expected[from][column];
      it(`${from} + ${event} → ${to ?? 'refused'}`, () => {
        if (to === null) expect(() => transition(from, event)).toThrow(IllegalTransition);
        else expect(transition(from, event)).toBe(to);
      });
    });
  }

  it('a refused change names the status and the event', () => {
    expect(() => transition('stopped', 'ready')).toThrow('a stopped server cannot take "ready"');
  });

  it('every status an event can lead to from an active one is either active or an end the user can forget', () => {
    for (const from of ACTIVE_STATUSES) {
      for (const to of Object.values(LIFECYCLE[from])) expect(ACTIVE_STATUSES.includes(to) || FORGETTABLE_STATUSES.includes(to)).toBe(true);
    }
    // A lost server may run on: it stays watched, and only the user's Forget (or proof) ends that.
    expect(ACTIVE_STATUSES).toContain('lost');
    expect(FORGETTABLE_STATUSES).toContain('lost');
    expect(FORGETTABLE_STATUSES).not.toContain('running');
  });
});
