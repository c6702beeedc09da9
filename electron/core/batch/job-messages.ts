// What a job's status means to the person waiting for it: the queue line while it waits, and how it ended.
import type { JobStatus } from './batch-adapter.js';

// Plain words for the states a person would not guess; the batch system's own word is always shown too.
const ENDINGS: Record<string, string> = {
  TIMEOUT: 'its walltime ran out',
  PREEMPTED: 'it was preempted',
  NODE_FAIL: 'its node failed',
  BOOT_FAIL: 'its node failed to boot',
  OUT_OF_MEMORY: 'it ran out of memory',
  DEADLINE: 'it reached its deadline',
  CANCELLED: 'it was cancelled',
  FAILED: 'it failed',
  COMPLETED: 'it completed',
};

/**
 * "Queued: Priority, expected start 14:05" (the date too when it is not today). A job the scheduler has not looked at
 * yet is pending without a reason, and a bare "Queued: PENDING" reads as a complaint: that one is said in plain words.
 */
export function queuedMessage(status: JobStatus, now: Date): string {
  const start = status.startTime ? `, expected start ${when(status.startTime, now)}` : '';
  if (status.reason === null && status.state === 'PENDING') return `Submitted job ${status.id}; waiting for the scheduler${start}`;
  return `Queued: ${status.reason ?? status.state}${start}`;
}

function when(time: string, now: Date): string {
  const [date = '', clock = ''] = time.split('T');
  const today = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  const hhmm = clock.slice(0, 5);
  return date === today ? hhmm : `${date} ${hhmm}`;
}

/** "batch job 12 TIMEOUT: its walltime ran out (TimeLimit), killed by signal 15". */
export function describeEnd(system: string, id: string, status: JobStatus | null): string {
  if (!status) {
    return `batch job ${id} is no longer known to ${system}: it has ended, and without accounting ${system} forgets finished jobs after a few minutes (MinJobAge)`;
  }
  const words = ENDINGS[status.state];
  const reason = status.reason ? ` (${status.reason})` : '';
  const exit = !status.exit ? '' : status.exit.signal ? `, killed by signal ${status.exit.signal}` : `, exit code ${status.exit.code}`;
  return `batch job ${id} ${status.state}${words ? `: ${words}` : ''}${reason}${exit}`;
}

/** As a shell reports it: the exit code, or 128 + the signal; 0 when unknown. */
export function exitStatus(status: JobStatus | null): number {
  if (!status?.exit) return 0;
  return status.exit.signal ? 128 + status.exit.signal : status.exit.code;
}
