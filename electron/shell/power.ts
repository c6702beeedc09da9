// What the OS knows and the Hub does not: the machine is going to sleep or waking up, and the network came or went.
// The Hub probes its tunnels at once on wake and on a network change rather than waiting for keepalives to time out.
import { net, powerMonitor } from 'electron';
import type { HubEventSource } from '../../shared/api.js';

/** The Hub's reactions; each is optional, so the shell works with a Hub that lacks one of them. */
export interface PowerAware {
  suspend?(): unknown;
  wake?(): unknown;
  networkChanged?(online: boolean): unknown;
}

/** Electron has no event for it, so net.isOnline() is polled; it is a cheap local check. */
const networkPollMs = 3000;

export function watchPowerAndNetwork(hub: PowerAware & HubEventSource, report: (error: unknown) => void): () => void {
  const call = (reaction: () => unknown) => {
    Promise.resolve()
      .then(reaction)
      .catch(report);
  };
  const onSuspend = () => call(() => hub.suspend?.());
  const onResume = () => call(() => hub.wake?.());
  powerMonitor.on('suspend', onSuspend);
  powerMonitor.on('resume', onResume);
  let online = net.isOnline();
  const timer = setInterval(() => {
    const now = net.isOnline();
    if (now === online) return;
    online = now;
    call(() => hub.networkChanged?.(now));
  }, networkPollMs);
  return () => {
    clearInterval(timer);
    powerMonitor.off('suspend', onSuspend);
    powerMonitor.off('resume', onResume);
  };
}
