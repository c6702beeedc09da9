// What can be done with a server, wherever it is shown (its card, its page): Cancel while it starts, Open and Stop
// while it runs (Stop asks first when kernels are busy: stop-button.tsx), Re-check, Stop or Forget while it is lost, Start again or Dismiss once it has ended. A button stays in place, disabled, while its request is under way,
// so nothing shifts under the pointer. Every button is disabled while hubtray cannot be reached, its title saying so:
// the state it would act on is not known.
import { useState } from 'react';
import type { ServerInfo } from '../../../shared/api.js';
import { useHubAccess } from '../components/hub-unreachable.js';
import { leaveServerPage, navigate } from '../lib/route.js';
import { isActive } from '../state/hub-state.js';
import { useHub } from '../state/hub-context.js';
import { StopButton } from './stop-button.js';

export function ServerActions({ server }: { server: ServerInfo }) {
  const { bridge, report, dispatch } = useHub();
  const access = useHubAccess();
  const [busy, setBusy] = useState<string | null>(null);
  // Nothing can be asked of hubtray while it cannot be reached, and what was last heard may be out of date.
  const blocked = busy !== null || access.blocked;
  const { title } = access;
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
          disabled={blocked}
          aria-label={`Start ${name} again`}
          title={title()}
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
          disabled={blocked}
          aria-label={`Dismiss ${name}`}
          title={title('Remove it from the list; its system and options stay')}
          onClick={() =>
            run('forget', async () => {
              await bridge.call('forget', { name });
              leaveServerPage(name);
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
        <button type="button" disabled={blocked} title={title()} aria-label={`Cancel the start of ${name}`} onClick={() => run('cancel', () => bridge.call('cancel', { name }))}>
          Cancel
        </button>
      </div>
    );
  }
  if (server.status === 'lost') {
    // It may run on, unseen: check again, stop it by everything hubtray knows of it, or give up on it.
    return (
      <div className="actions">
        <button type="button" disabled={blocked} title={title()} aria-label={`Check ${name} again`} onClick={() => run('recheck', () => bridge.call('recheck', { name }))}>
          {busy === 'recheck' ? 'Checking…' : 'Re-check'}
        </button>
        <StopButton server={server} disabled={blocked} title={title()} busy={busy === 'stop'} run={(work) => run('stop', work)} />
        <button
          type="button"
          disabled={blocked}
          aria-label={`Forget ${name}`}
          title={title('Remove it from the list; if it still runs somewhere, it is left running')}
          onClick={() =>
            run('forget', async () => {
              await bridge.call('forget', { name });
              leaveServerPage(name);
            })
          }
        >
          Forget
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
        disabled={!reachable || blocked}
        title={title()}
        aria-label={`Open ${name} in the browser`}
        // Called synchronously from the click: see Bridge.openServer.
        onClick={() =>
          run('open', () => bridge.openServer(name).then(({ note }) => note && dispatch({ type: 'notice', level: 'info', message: note })))
        }
      >
        Open
      </button>
      <StopButton server={server} disabled={blocked} title={title()} busy={busy === 'stop'} run={(work) => run('stop', work)} />
    </div>
  );
}
