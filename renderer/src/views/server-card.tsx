// One server in the list: name, system, status, its times, tunnel health, the start's progress and what it waits
// for, or the cause of its end, and its actions. Every line has a fixed height, so streaming events never move the cards around. While
// hubtray cannot be reached, the card is greyed, says so in place of its status line, and its actions are disabled.
import type { ServerInfo } from '../../../shared/api.js';
import { HubUnreachable, unknownClass, useHubAccess } from '../components/hub-unreachable.js';
import { Progress } from '../components/progress.js';
import { StepClock } from '../components/start-clock.js';
import { StatusChip } from '../components/status-chip.js';
import { href } from '../lib/route.js';
import { ServerActions } from './server-actions.js';
import { ServerMeta } from './server-meta.js';
import { CardReason } from './server-reason.js';

export function ServerCard({ server }: { server: ServerInfo }) {
  const { blocked: unknown, connection } = useHubAccess();
  return (
    <li
      className={`card server-card${unknown ? ` ${unknownClass}` : ''}`}
      data-server={server.name}
      aria-label={`${server.name} on ${server.system}, ${unknown ? 'state unknown' : server.status}`}
    >
      <div className="card-head">
        <h3>
          <a href={href({ view: 'server', name: server.name })}>{server.name}</a>
        </h3>
        <StatusChip server={server} unknown={unknown} />
        <ServerActions server={server} />
      </div>
      {unknown ? <HubUnreachable connection={connection} /> : <ServerMeta server={server} />}
      {server.status === 'starting' ? (
        <div className="card-detail">
          <Progress value={server.progress} label={`Start of ${server.name}`} />
          <p className="last-message">
            <StepClock events={server.events} />
          </p>
        </div>
      ) : server.status !== 'running' ? (
        <CardReason server={server} />
      ) : null}
      <a className="details-link" href={href({ view: 'server', name: server.name })}>
        Progress and logs<span className="visually-hidden"> of {server.name}</span>
      </a>
    </li>
  );
}
