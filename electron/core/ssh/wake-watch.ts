// Signs that SSH connections may have died without a word, for the pool to probe them at once: the wall clock jumping
// ahead (the computer slept and no wake event came) and the local network addresses changing (Wi-Fi, VPN, cable).
import os from 'node:os';

export interface ClockWatchOptions {
  periodMs?: number;
  /** How much later than due a tick must fire to count as a jump. */
  toleranceMs?: number;
  now?: () => number;
}

/**
 * Calls onJump when a tick fires much later by the wall clock than it was due. Node's timers run on the monotonic
 * clock, which stands still during a suspend, while the wall clock goes on: after a suspend, the first tick sees the
 * time slept. Returns a function that stops the watch.
 */
export function watchClock(onJump: (lateMs: number) => void, options: ClockWatchOptions = {}): () => void {
  const { periodMs = 2000, toleranceMs = 5000, now = Date.now } = options;
  let last = now();
  const timer = setInterval(() => {
    const current = now();
    const late = current - last - periodMs;
    last = current;
    if (late > toleranceMs) onJump(late);
  }, periodMs);
  timer.unref();
  return () => clearInterval(timer);
}

export interface NetworkWatchOptions {
  intervalMs?: number;
  interfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
}

/**
 * Polls the local interfaces' addresses and calls onChange when they differ from the last poll. An interface that
 * goes down drops out of os.networkInterfaces(), so a lost and regained link shows as two changes. Returns a function
 * that stops the watch.
 */
export function watchNetwork(onChange: () => void, options: NetworkWatchOptions = {}): () => void {
  const { intervalMs = 3000, interfaces = os.networkInterfaces } = options;
  const addresses = () =>
    Object.entries(interfaces())
      .flatMap(([name, list]) => (list ?? []).filter((info) => !info.internal).map((info) => `${name} ${info.cidr ?? info.address}`))
      .sort()
      .join('\n');
  let last = addresses();
  const timer = setInterval(() => {
    const current = addresses();
    if (current === last) return;
    last = current;
    onChange();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
