// The warning before a server's system ends it (a batch job's walltime): time to save one's work. Once per end; again
// only if the end moves later (the job's time limit was raised).

/** How long before the end the user is warned. */
export const WALLTIME_WARNING_MS = 15 * 60_000;

/** setTimeout's longest delay (2^31 - 1 ms, 24.8 days): a longer one overflows and fires at once. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export class WalltimeWatch {
  private timer: NodeJS.Timeout | null = null;
  private warnedForEnd = 0;

  constructor(
    private readonly name: string,
    private readonly warn: (message: string) => void,
  ) {}

  watch(endsAt: Date | null | undefined): void {
    this.clear();
    const end = endsAt?.getTime();
    if (end === undefined || end <= this.warnedForEnd + 60_000) return;
    this.schedule(end);
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  // Steps of at most MAX_DELAY_MS, each measuring what is left from the clock anew.
  private schedule(end: number): void {
    const delay = end - WALLTIME_WARNING_MS - Date.now();
    if (delay > 0) {
      this.timer = setTimeout(() => this.schedule(end), Math.min(delay, MAX_DELAY_MS)).unref();
      return;
    }
    this.timer = null;
    this.warnedForEnd = end;
    const minutes = Math.max(1, Math.round((end - Date.now()) / 60_000));
    this.warn(`${this.name}: its walltime ends in ${minutes} minute${minutes === 1 ? '' : 's'}, at ${clockAt(new Date(end), new Date())}; save your work`);
  }
}

/** "14:00" today, else "2026-12-05 14:00", in local time. */
function clockAt(time: Date, now: Date): string {
  const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  const hhmm = time.toTimeString().slice(0, 5);
  return day(time) === day(now) ? hhmm : `${day(time)} ${hhmm}`;
}
