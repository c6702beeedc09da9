// One server in the list: name, system, status, uptime, tunnel health, the start's progress or the reason it
// ended, and its actions. Every line has a fixed height, so streaming events never move the cards around.
import type { ServerInfo } from '../../../shared/api.js';
import { Progress } from '../components/progress.js';
import { StatusChip } from '../components/status-chip.js';
import { href } from '../lib/route.js';
import { ServerActions } from './server-actions.js';
import { ServerMeta } from './server-meta.js';

export function ServerCard({ server }: { server: ServerInfo }) {
  const last = server.events.at(-1);
  return (
    <li className="card server-card" data-server={server.name} aria-label={`${server.name} on ${server.system}, ${server.status}`}>
      <div className="card-head">
        <h3>
          <a href={href({ view: 'server', name: server.name })}>{server.name}</a>
        </h3>
        <StatusChip server={server} />
        <ServerActions server={server} />
      </div>
      <ServerMeta server={server} />
      {server.status === 'starting' ? (
        <div className="card-detail">
          <Progress value={server.progress} label={`Start of ${server.name}`} />
          <p className="last-message">{last?.message ?? 'Waiting…'}</p>
        </div>
      ) : server.reason && server.status !== 'running' ? (
        <p className={`card-detail reason${server.status === 'failed' ? ' reason-failed' : ''}`}>{server.reason}</p>
      ) : null}
      <a className="details-link" href={href({ view: 'server', name: server.name })}>
        Progress and logs<span className="visually-hidden"> of {server.name}</span>
      </a>
    </li>
  );
}
