// Durations as a person reads them at a glance: "45 s", "12 min", "3 h 05 min", "2 d 4 h".
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** How long a step has taken against its limit: "12 s of 30" (seconds, as the setting has them), "3 min of 10 min". */
export function formatCountdown(elapsedMs: number, timeoutSeconds: number): string {
  if (timeoutSeconds <= 120) return `${Math.min(Math.floor(Math.max(0, elapsedMs) / 1000), Math.ceil(timeoutSeconds))} s of ${timeoutSeconds}`;
  return `${formatDuration(elapsedMs)} of ${formatDuration(timeoutSeconds * 1000)}`;
}

/** A moment as a clock shows it: "14:03:12" today, "22 Nov, 14:03" on another day, in the person's own locale and zone. */
export function formatClock(iso: string, now: number = Date.now()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '?';
  const sameDay = at.toDateString() === new Date(now).toDateString();
  return sameDay
    ? at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : at.toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}
