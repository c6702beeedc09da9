// The tunnel's health in words: where it listens, or which attempt at reconnecting it is on and why it dropped.
import type { ServerInfo } from '../../../shared/api.js';

export function tunnelText(server: ServerInfo): string {
  return healthText('tunnel', server.tunnel, server.kind === 'local' ? 'on this computer, no tunnel needed' : 'no tunnel');
}

/** A tunnel's or a forward's health, `what` first ("tunnel up on 127.0.0.1:8888"); `none` in the caller's words. */
export function healthText(what: string, t: ServerInfo['tunnel'], none: string): string {
  switch (t.state) {
    case 'connected':
      return `${what} up on 127.0.0.1:${t.localPort ?? '?'}`;
    case 'reconnecting': {
      const next = t.nextTryInSeconds !== undefined ? `, next try in ${Math.ceil(t.nextTryInSeconds)} s` : '';
      return `${what} reconnecting (attempt ${t.attempt ?? 1}${next})${t.lastError ? `: ${t.lastError}` : ''}`;
    }
    case 'failed':
      return `${what} failed${t.lastError ? `: ${t.lastError}` : ''}`;
    case 'none':
      return none;
  }
}

export function TunnelHealth({ server }: { server: ServerInfo }) {
  return <span className={`tunnel tunnel-${server.tunnel.state}`}>{tunnelText(server)}</span>;
}
