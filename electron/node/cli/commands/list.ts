import type { ServerInfo, TunnelHealth } from '../../../../shared/api.js';
import { parseCommand, type Command } from '../command.js';
import { duration, printListing } from '../format.js';
import { withHub } from '../with-hub.js';

export const list: Command = {
  summary: 'list servers, running or finished',
  usage: 'list [--json]',
  async run(argv) {
    const { values } = parseCommand(argv, { json: { type: 'boolean' } }, []);
    const servers = await withHub((hub) => hub.listServers({}));
    printListing(servers, values.json ?? false, 'No servers. Start one with `hubtray start SYSTEM`.', ['NAME', 'SYSTEM', 'STATUS', 'UPTIME', 'TUNNEL', 'URL'], (s) => [
      s.name,
      s.system,
      s.status,
      uptime(s),
      tunnel(s.tunnel),
      s.url ?? '-',
    ]);
    return 0;
  },
};

function uptime(server: ServerInfo): string {
  if (server.status !== 'running' || !server.readyAt) return '-';
  const up = duration(Date.now() - Date.parse(server.readyAt));
  // A batch job also says how long it has left before its walltime ends it.
  return server.walltimeLeftSeconds === undefined ? up : `${up} (${duration(server.walltimeLeftSeconds * 1000)} left)`;
}

/** "reconnecting (attempt 3, next in 4 s: connection refused)" says what the user needs at a glance. */
export function tunnel(health: TunnelHealth): string {
  switch (health.state) {
    case 'none':
      return '-';
    case 'reconnecting': {
      const next = health.nextTryInSeconds === undefined ? '' : `, next in ${Math.ceil(health.nextTryInSeconds)} s`;
      const why = health.lastError ? `: ${health.lastError}` : '';
      return `reconnecting (attempt ${health.attempt ?? 1}${next}${why})`;
    }
    case 'failed':
      return health.lastError ? `failed: ${health.lastError}` : 'failed';
    case 'connected':
      return 'connected';
  }
}
