// The lines under a server's name, in its card and on its page: system, how long it has been starting or up,
// walltime left, tunnel health; then when it was created, became ready and ended.
import type { ServerInfo } from '../../../shared/api.js';
import { useHub } from '../state/hub-context.js';
import { ServerTimes } from '../components/server-times.js';
import { StartElapsed } from '../components/start-clock.js';
import { TunnelHealth } from '../components/tunnel-health.js';
import { Uptime, WalltimeLeft } from '../components/uptime.js';

export function ServerMeta({ server }: { server: ServerInfo }) {
  const running = server.status === 'running';
  const starting = server.status === 'starting';
  const walltimeEnds = useHub().state.walltimeEnds[server.name];
  return (
    <>
      <p className="meta">
        <span>{server.system}</span>
        {starting ? <StartElapsed server={server} /> : null}
        {running && server.readyAt ? <Uptime since={server.readyAt} /> : null}
        {running && walltimeEnds !== undefined ? <WalltimeLeft endsAt={walltimeEnds} /> : null}
        {running || starting ? <TunnelHealth server={server} /> : null}
      </p>
      <ServerTimes server={server} />
    </>
  );
}
