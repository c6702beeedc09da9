// A server's state in one word and colour. "reconnecting" is a running server whose tunnel is being rebuilt: the
// server itself is fine, but it cannot be reached this moment.
import type { ServerInfo } from '../../../shared/api.js';

export type DisplayStatus = ServerInfo['status'] | 'reconnecting';

export function displayStatus(server: ServerInfo): DisplayStatus {
  return server.status === 'running' && server.tunnel.state === 'reconnecting' ? 'reconnecting' : server.status;
}

const labels: Record<DisplayStatus, string> = {
  starting: 'starting',
  running: 'running',
  reconnecting: 'reconnecting',
  stopping: 'stopping',
  stopped: 'stopped',
  failed: 'failed',
  cancelled: 'cancelled',
};

export function StatusChip({ server }: { server: ServerInfo }) {
  const status = displayStatus(server);
  return (
    <span className={`chip chip-${status}`} data-status={status}>
      {labels[status]}
    </span>
  );
}
