// What a page shows while hubtray cannot be reached (the event stream is down): the line that says so, the greyed
// look (hub-unreachable.css) of a server whose state is unknown, and why every action that asks hubtray is disabled.
// A click then could only fail with a network error; the actions come back by themselves with the connection.
import type { ConnectionStatus } from '../bridge/bridge.js';
import { useHub } from '../state/hub-context.js';
import { hubReachable } from '../state/hub-state.js';
import './hub-unreachable.css';

export const unknownClass = 'state-unknown';

export function unreachableText(connection: ConnectionStatus): string {
  return connection === 'unauthorized'
    ? "state unknown: this page's access was renewed"
    : 'hubtray is not reachable; retrying';
}

function blockedReason(connection: ConnectionStatus): string {
  return connection === 'unauthorized'
    ? "hubtray's access was renewed: paste the new UI address hubtray serve printed (#token=…) into the address bar"
    : "hubtray's hub is not reachable; this is enabled again as soon as it is back";
}

export interface HubAccess {
  /** hubtray cannot be reached: what the page shows may be out of date, and nothing can be asked of it. */
  blocked: boolean;
  connection: ConnectionStatus;
  /** A button's title: why it is disabled while blocked, else its own (if any). */
  title: (own?: string) => string | undefined;
}

export function useHubAccess(): HubAccess {
  const { state } = useHub();
  const blocked = !hubReachable(state);
  return { blocked, connection: state.connection, title: (own) => (blocked ? blockedReason(state.connection) : own) };
}

export function HubUnreachable({ connection }: { connection: ConnectionStatus }) {
  return (
    <p className="meta hub-unreachable">
      {unreachableText(connection)}
    </p>
  );
}

/** The line above, only while hubtray cannot be reached: once per page whose actions it disables. */
export function HubUnreachableNote() {
  const { blocked, connection } = useHubAccess();
  return blocked ? <HubUnreachable connection={connection} /> : null;
}
