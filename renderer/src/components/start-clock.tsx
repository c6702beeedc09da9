// How long a start has taken, against the limits that end it, as Open OnDemand counts a session's time: the whole
// start ("starting for 14 s of 60", start_timeout) and the step under way ("Waiting for the server to answer: 12 s
// of 30", http_timeout). The times are the Hub's stamps on each event; the clocks tick on their own.
import type { ProgressEvent, ServerInfo } from '../../../shared/api.js';
import { formatCountdown, formatDuration } from '../lib/time.js';
import { useNow } from '../lib/use-now.js';

function since(elapsedMs: number, timeoutSeconds: number | undefined): string {
  return timeoutSeconds ? formatCountdown(elapsedMs, timeoutSeconds) : formatDuration(elapsedMs);
}

/** The whole start so far: from its first event (which carries start_timeout), else from when it was created. */
export function StartElapsed({ server }: { server: ServerInfo }) {
  const now = useNow();
  const first = server.events[0];
  const began = Date.parse(first?.time ?? server.createdAt);
  return <span className="start-elapsed">starting for {since(now - began, first?.timeout)}</span>;
}

/** What the start waits for now, and for how long; an event without a time (an older hub) shows its message alone. */
export function StepClock({ events }: { events: ProgressEvent[] }) {
  const now = useNow();
  const last = events.at(-1);
  if (!last) return <>Waiting…</>;
  const began = last.time ? Date.parse(last.time) : Number.NaN;
  if (Number.isNaN(began)) return <>{last.message}</>;
  return (
    <>
      {last.message}: <span className="step-clock">{since(now - began, last.timeout)}</span>
    </>
  );
}
