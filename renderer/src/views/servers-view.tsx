// The servers, live from the Hub's events: what runs and starts first, then what ended.
import { isActive, sortedServers } from '../state/hub-state.js';
import { useHub } from '../state/hub-context.js';
import { href } from '../lib/route.js';
import { FirstRun } from './first-run.js';
import { ServerCard } from './server-card.js';

export function ServersView() {
  const { state } = useHub();
  const servers = sortedServers(state.servers);
  if (state.systems === null) return <p className="view">Loading…</p>;
  if (servers.length === 0) return <FirstRun systems={state.systems} />;
  const active = servers.filter(isActive);
  const ended = servers.filter((s) => !isActive(s));
  return (
    <section className="view" aria-labelledby="servers-title">
      <div className="section-head">
        <h2 id="servers-title">Servers</h2>
        <a className="button primary" href={href({ view: 'start' })}>
          Start a server
        </a>
      </div>
      {active.length === 0 ? <p className="empty">No server is running.</p> : null}
      <ul className="cards" aria-label="Active servers">
        {active.map((server) => (
          <ServerCard key={server.name} server={server} />
        ))}
      </ul>
      {ended.length > 0 ? (
        <>
          <h2>Ended</h2>
          <ul className="cards" aria-label="Ended servers">
            {ended.map((server) => (
              <ServerCard key={server.name} server={server} />
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
