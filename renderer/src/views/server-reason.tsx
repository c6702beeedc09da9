// Why a server is as it is, cause first (shared/reason.ts): on its page the cause, what to do, what the programs
// said behind "Details", and for a failed start the way to its system's settings; in its card the cause alone.
import type { ServerInfo } from '../../../shared/api.js';
import { reasonParts } from '../../../shared/reason.js';
import { href } from '../lib/route.js';
import { useHub } from '../state/hub-context.js';
import './server-reason.css';

/** A failed start is usually fixed in its system's settings; a system that is gone from the list has none to edit. */
function EditSystem({ server }: { server: ServerInfo }) {
  const { state } = useHub();
  if (server.status !== 'failed' || !(state.systems ?? []).some((s) => s.name === server.system)) return null;
  return (
    <a className="button edit-system" href={href({ view: 'edit-system', name: server.system })}>
      Edit system<span className="visually-hidden"> {server.system}</span>
    </a>
  );
}

export function ServerReason({ server }: { server: ServerInfo }) {
  if (!server.reason) return null;
  const { cause, advice, raw } = reasonParts(server.reason);
  return (
    <div className={server.status === 'failed' ? 'alert alert-error server-reason' : 'alert server-reason'}>
      <p className="reason-cause">{cause}</p>
      {advice.map((line, index) => (
        <p key={index} className="reason-advice">
          {line}
        </p>
      ))}
      {raw ? (
        <details className="reason-raw">
          <summary>Details</summary>
          <pre tabIndex={0} aria-label={`What the programs said when ${server.name} ended`}>
            {raw}
          </pre>
        </details>
      ) : null}
      <EditSystem server={server} />
    </div>
  );
}

/** The cause on one line of the card; the rest is on the server's page. */
export function CardReason({ server }: { server: ServerInfo }) {
  if (!server.reason) return null;
  const failed = server.status === 'failed';
  return (
    <div className="card-detail card-reason">
      <p className={`reason${failed ? ' reason-failed' : ''}`} title={server.reason}>
        {reasonParts(server.reason).cause}
      </p>
      <EditSystem server={server} />
    </div>
  );
}
