// One server's page: what the start is doing and waits for (bar, clocks, event log), why it failed, its further
// forwarded ports, and its log once something was launched that has one (a start that failed before has only its
// reason). While hubtray cannot be reached, the page is what was last heard: greyed, its state unknown and its
// actions disabled, as on the card.
import type { ServerInfo } from '../../../shared/api.js';
import { HubUnreachable, unknownClass, useHubAccess } from '../components/hub-unreachable.js';
import { Progress } from '../components/progress.js';
import { StepClock } from '../components/start-clock.js';
import { StatusChip } from '../components/status-chip.js';
import { href } from '../lib/route.js';
import { useHub } from '../state/hub-context.js';
import { EventLog } from './event-log.js';
import { ServerActions } from './server-actions.js';
import { ServerLogs } from './server-logs.js';
import { ServerMeta } from './server-meta.js';
import { ServerReason } from './server-reason.js';
import { ServerPorts } from './server-ports.js';

export function ServerDetail({ name }: { name: string }) {
  const { state } = useHub();
  const { blocked: unknown, connection } = useHubAccess();
  const server: ServerInfo | undefined = state.servers[name];
  if (!server) {
    return (
      <section className="view">
        <h2>{name}</h2>
        <p>{state.connection === 'connected' ? 'hubtray has no server of this name.' : 'Loading…'}</p>
        <a href={href({ view: 'servers' })}>All servers</a>
      </section>
    );
  }
  return (
    <section className={`view server-detail${unknown ? ` ${unknownClass}` : ''}`} aria-labelledby="server-title">
      <p className="breadcrumb">
        <a href={href({ view: 'servers' })}>Servers</a> ›
      </p>
      <div className="card-head">
        <h2 id="server-title">{server.name}</h2>
        <StatusChip server={server} unknown={unknown} />
        <ServerActions server={server} />
      </div>
      {unknown ? <HubUnreachable connection={connection} /> : <ServerMeta server={server} />}
      <Progress value={server.progress} label={`Start of ${server.name}`} />
      {server.status === 'starting' ? (
        <p className="last-message">
          <StepClock events={server.events} />
        </p>
      ) : null}
      <ServerReason server={server} />
      {Object.keys(server.userOptions).length > 0 ? (
        <p className="options-summary">
          Options:{' '}
          {Object.entries(server.userOptions)
            .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
            .join(', ')}
        </p>
      ) : null}
      <ServerPorts server={server} />
      <h3>Events</h3>
      <EventLog events={server.events} />
      {server.logAvailable ? <ServerLogs name={server.name} /> : null}
    </section>
  );
}
