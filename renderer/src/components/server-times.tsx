// When a server was created, became ready and ended, as Open OnDemand's session cards show them: clock times
// today, a date before that; the full date and time on hover.
import type { ServerInfo } from '../../../shared/api.js';
import { formatClock } from '../lib/time.js';
import './times.css';

export function ServerTimes({ server }: { server: ServerInfo }) {
  const moments: [string, string | null][] = [
    ['created', server.createdAt],
    ['ready', server.readyAt],
    ['ended', server.stoppedAt],
  ];
  return (
    <p className="times">
      {moments.map(([label, iso]) =>
        iso ? (
          <span key={label} data-time={label}>
            {label}{' '}
            <time dateTime={iso} title={new Date(iso).toLocaleString()}>
              {formatClock(iso)}
            </time>
          </span>
        ) : null,
      )}
    </p>
  );
}
