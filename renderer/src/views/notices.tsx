// Things to tell the person that belong to no view: the idle culler's warnings (a banner per server, with "Keep
// running" and "Stop now", there while the cull is due), the Hub's notices and actions that failed.
import { useState } from 'react';
import { useHubAccess } from '../components/hub-unreachable.js';
import { formatDuration } from '../lib/time.js';
import { useNow } from '../lib/use-now.js';
import { useHub } from '../state/hub-context.js';

export function Notices() {
  const { state, dispatch } = useHub();
  return (
    <div className="notices" role="status" aria-live="polite">
      {Object.entries(state.cullEnds).map(([name, endsAt]) => (
        <CullBanner key={name} name={name} endsAt={endsAt} />
      ))}
      {state.notices.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.level}`}>
          <span>{notice.message}</span>
          <button type="button" aria-label="Dismiss" onClick={() => dispatch({ type: 'dismiss', id: notice.id })}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

/** `endsAt` in Date.now() terms. The banner goes when the server's next event says no cull is due. */
function CullBanner({ name, endsAt }: { name: string; endsAt: number }) {
  const { state, bridge, report } = useHub();
  const [busy, setBusy] = useState(false);
  const left = Math.max(0, endsAt - useNow());
  const server = state.servers[name];
  const run = (work: () => Promise<unknown>) => {
    setBusy(true);
    work()
      .catch(report)
      .finally(() => setBusy(false));
  };
  const access = useHubAccess();
  const blocked = busy || access.blocked;
  return (
    <div className="notice notice-warning cull-banner" data-cull={name}>
      <span>
        The idle culler stops {name}
        {server ? ` on ${server.system}` : ''} in {formatDuration(left)}
      </span>
      <span className="cull-actions">
        <button type="button" disabled={blocked} title={access.title()} onClick={() => run(() => bridge.call('keepRunning', { name }))}>
          Keep running
        </button>
        <button type="button" disabled={blocked} title={access.title()} onClick={() => run(() => bridge.call('stop', { name }))}>
          Stop now
        </button>
      </span>
    </div>
  );
}
