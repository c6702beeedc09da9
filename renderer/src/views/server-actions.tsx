// What can be done with a server, wherever it is shown (its card, its page): Open and Stop while it runs, Cancel
// while it starts. A button stays in place, disabled, while its request is under way, so nothing shifts under
// the pointer.
import { useState } from 'react';
import type { ServerInfo } from '../../../shared/api.js';
import { useHub } from '../state/hub-context.js';

export function ServerActions({ server }: { server: ServerInfo }) {
  const { bridge, report } = useHub();
  const [busy, setBusy] = useState<string | null>(null);
  const run = (action: string, work: () => Promise<unknown>) => {
    setBusy(action);
    work()
      .catch(report)
      .finally(() => setBusy(null));
  };
  const label = `${server.name}`;
  const reachable = server.status === 'running' && server.tunnel.state !== 'reconnecting' && server.tunnel.state !== 'failed';
  return (
    <div className="actions">
      {server.status === 'starting' ? (
        <button type="button" disabled={busy !== null} aria-label={`Cancel the start of ${label}`} onClick={() => run('cancel', () => bridge.call('cancel', { name: server.name }))}>
          Cancel
        </button>
      ) : (
        <button
          type="button"
          className="primary"
          disabled={!reachable || busy !== null}
          aria-label={`Open ${label} in the browser`}
          // Called synchronously from the click: see Bridge.openServer.
          onClick={() => run('open', () => bridge.openServer(server.name))}
        >
          Open
        </button>
      )}
      <button
        type="button"
        disabled={!(server.status === 'running' || server.status === 'stopping') || busy !== null}
        aria-label={`Stop ${label}`}
        onClick={() => run('stop', () => bridge.call('stop', { name: server.name }))}
      >
        {server.status === 'stopping' || busy === 'stop' ? 'Stopping…' : 'Stop'}
      </button>
    </div>
  );
}
