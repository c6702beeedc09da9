// A server's state in one word and colour. "reconnecting" is a running server whose tunnel is being rebuilt: the
// server itself is fine, but it cannot be reached this moment. "unknown" is any server while hubtray itself cannot
// be reached: what the page last heard may no longer be true.
import type { ServerInfo } from '../../../shared/api.js';

export type DisplayStatus = ServerInfo['status'] | 'reconnecting' | 'unknown';

export function displayStatus(server: ServerInfo): DisplayStatus {
  return server.status === 'running' && server.tunnel.state === 'reconnecting' ? 'reconnecting' : server.status;
}

const labels: Record<DisplayStatus, string> = {
  starting: 'starting',
  running: 'running',
  reconnecting: 'reconnecting',
  stopping: 'stopping',
  // hubtray cannot tell whether it runs (its host is unreachable, or the checks disagree); it keeps checking.
  lost: 'lost',
  stopped: 'stopped',
  failed: 'failed',
  cancelled: 'cancelled',
  unknown: 'unknown',
};

/** `unknown`: hubtray cannot be reached, so the server's state is not known (see hubReachable). */
export function StatusChip({ server, unknown = false }: { server: ServerInfo; unknown?: boolean }) {
  const status: DisplayStatus = unknown ? 'unknown' : displayStatus(server);
  return (
    <span className={`chip chip-${status}`} data-status={status}>
      {labels[status]}
    </span>
  );
}
