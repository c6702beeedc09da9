// The tunnel's health in words: where it listens, or which attempt at reconnecting it is on and why it dropped.
import type { ServerInfo } from '../../../shared/api.js';

export function tunnelText(server: ServerInfo): string {
  const t = server.tunnel;
  switch (t.state) {
    case 'connected':
      return `tunnel up on 127.0.0.1:${t.localPort ?? '?'}`;
    case 'reconnecting': {
      const next = t.nextTryInSeconds !== undefined ? `, next try in ${Math.ceil(t.nextTryInSeconds)} s` : '';
      return `tunnel reconnecting (attempt ${t.attempt ?? 1}${next})${t.lastError ? `: ${t.lastError}` : ''}`;
    }
    case 'failed':
      return `tunnel failed${t.lastError ? `: ${t.lastError}` : ''}`;
    case 'none':
      return server.kind === 'local' ? 'on this computer, no tunnel needed' : 'no tunnel';
  }
}

export function TunnelHealth({ server }: { server: ServerInfo }) {
  return <span className={`tunnel tunnel-${server.tunnel.state}`}>{tunnelText(server)}</span>;
}
