// Clocks on a server: how long it has been up, and for a batch job how much of its walltime is left. Each ticks
// once a second on its own, so only its text re-renders, not the list around it.
import { formatDuration } from '../lib/time.js';
import { useNow } from '../lib/use-now.js';

export function Uptime({ since }: { since: string }) {
  return <span className="uptime">up {formatDuration(useNow() - Date.parse(since))}</span>;
}

/** `endsAt` in Date.now() terms. */
export function WalltimeLeft({ endsAt }: { endsAt: number }) {
  const left = endsAt - useNow();
  return <span className={left < 10 * 60_000 ? 'walltime walltime-low' : 'walltime'}>walltime left {formatDuration(left)}</span>;
}
