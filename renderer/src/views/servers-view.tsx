// The servers, live from the Hub's events: what runs and starts first, then what ended, folded under "Ended (N)"
// (as VS Code folds a section) with "Clear ended" to dismiss them all. Whether it is unfolded is kept for the tab.
import { useState } from 'react';
import type { ServerInfo } from '../../../shared/api.js';
import { isActive, sortedServers, hubReachable } from '../state/hub-state.js';
import { useHub } from '../state/hub-context.js';
import { href } from '../lib/route.js';
import { FirstRun } from './first-run.js';
import { ServerCard } from './server-card.js';
import './servers-view.css';

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
      {ended.length > 0 ? <EndedServers ended={ended} /> : null}
    </section>
  );
}

const openKey = 'hubtray.endedOpen';

function EndedServers({ ended }: { ended: ServerInfo[] }) {
  const { bridge, report, state } = useHub();
  const [open, setOpen] = useState(() => sessionStorage.getItem(openKey) === 'true');
  const [clearing, setClearing] = useState(false);
  const toggle = () => {
    sessionStorage.setItem(openKey, String(!open));
    setOpen(!open);
  };
  const clear = () => {
    setClearing(true);
    // Each on its own: one that cannot be forgotten (a hub that went meanwhile) leaves the others forgotten.
    void Promise.allSettled(ended.map((server) => bridge.call('forget', { name: server.name })))
      .then((results) => results.forEach((result) => result.status === 'rejected' && report(result.reason)))
      .finally(() => setClearing(false));
  };
  return (
    <>
      <div className="section-head ended-head">
        <h2>
          <button type="button" className="disclosure" aria-expanded={open} aria-controls="ended-servers" onClick={toggle}>
            <span className="disclosure-mark" aria-hidden="true" />
            Ended ({ended.length})
          </button>
        </h2>
        <button type="button" disabled={clearing || !hubReachable(state)} onClick={clear} title="Remove every ended server from the list; their systems and options stay">
          {clearing ? 'Clearing…' : 'Clear ended'}
        </button>
      </div>
      <ul className="cards" id="ended-servers" aria-label="Ended servers" hidden={!open}>
        {ended.map((server) => (
          <ServerCard key={server.name} server={server} />
        ))}
      </ul>
    </>
  );
}
