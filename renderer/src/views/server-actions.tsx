// What can be done with a server, wherever it is shown (its card, its page): Cancel while it starts, Open and Stop
// while it runs, Start again or Dismiss once it has ended. A button stays in place, disabled, while its request is under way,
// so nothing shifts under the pointer.
import { useState } from 'react';
import type { ServerInfo } from '../../../shared/api.js';
import { navigate } from '../lib/route.js';
import { isActive } from '../state/hub-state.js';
import { useHub } from '../state/hub-context.js';

export function ServerActions({ server }: { server: ServerInfo }) {
  const { bridge, report, dispatch } = useHub();
  const [busy, setBusy] = useState<string | null>(null);
  const run = (action: string, work: () => Promise<unknown>) => {
    setBusy(action);
    work()
      .catch(report)
      .finally(() => setBusy(null));
  };
  const { name } = server;

  if (!isActive(server)) {
    return (
      <div className="actions">
        <button
          type="button"
          disabled={busy !== null}
          aria-label={`Start ${name} again`}
          onClick={() =>
            run('start', async () => {
              await bridge.call('start', { system: server.system, name, options: server.userOptions });
              navigate({ view: 'server', name });
            })
          }
        >
          Start again
        </button>
        <button
          type="button"
          disabled={busy !== null}
          aria-label={`Dismiss ${name}`}
          title="Remove it from the list; its system and options stay"
          onClick={() =>
            run('forget', async () => {
              await bridge.call('forget', { name });
              navigate({ view: 'servers' });
            })
          }
        >
          Dismiss
        </button>
      </div>
    );
  }
  if (server.status === 'starting') {
    return (
      <div className="actions">
        <button type="button" disabled={busy !== null} aria-label={`Cancel the start of ${name}`} onClick={() => run('cancel', () => bridge.call('cancel', { name }))}>
          Cancel
        </button>
      </div>
    );
  }
  const reachable = server.status === 'running' && server.tunnel.state !== 'reconnecting' && server.tunnel.state !== 'failed';
  return (
    <div className="actions">
      <button
        type="button"
        className="primary"
        disabled={!reachable || busy !== null}
        aria-label={`Open ${name} in the browser`}
        // Called synchronously from the click: see Bridge.openServer.
        onClick={() =>
          run('open', () => bridge.openServer(name).then(({ note }) => note && dispatch({ type: 'notice', level: 'info', message: note })))
        }
      >
        Open
      </button>
      <button type="button" disabled={server.status === 'stopping' || busy !== null} aria-label={`Stop ${name}`} onClick={() => run('stop', () => bridge.call('stop', { name }))}>
        {server.status === 'stopping' || busy === 'stop' ? 'Stopping…' : 'Stop'}
      </button>
    </div>
  );
}
