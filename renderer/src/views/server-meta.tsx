// The line under a server's name, in its card and on its page: system, uptime, walltime left, tunnel health.
import type { ServerInfo } from '../../../shared/api.js';
import { useHub } from '../state/hub-context.js';
import { TunnelHealth } from '../components/tunnel-health.js';
import { Uptime, WalltimeLeft } from '../components/uptime.js';

export function ServerMeta({ server }: { server: ServerInfo }) {
  const running = server.status === 'running';
  const walltimeEnds = useHub().state.walltimeEnds[server.name];
  return (
    <p className="meta">
      <span>{server.system}</span>
      {running && server.readyAt ? <Uptime since={server.readyAt} /> : null}
      {running && walltimeEnds !== undefined ? <WalltimeLeft endsAt={walltimeEnds} /> : null}
      {running || server.status === 'starting' ? <TunnelHealth server={server} /> : null}
    </p>
  );
}
