// What a server shows in place of its state while hubtray cannot be reached (the event stream is down): the line
// that says so, and the greyed look (hub-unreachable.css) of a card whose state is unknown.
import type { ConnectionStatus } from '../bridge/bridge.js';
import './hub-unreachable.css';

export const unknownClass = 'state-unknown';

export function unreachableText(connection: ConnectionStatus): string {
  return connection === 'unauthorized'
    ? "state unknown: this page's access has expired"
    : 'hubtray is not reachable; retrying';
}

export function HubUnreachable({ connection }: { connection: ConnectionStatus }) {
  return (
    <p className="meta hub-unreachable">
      {unreachableText(connection)}
    </p>
  );
}
