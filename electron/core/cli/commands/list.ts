import type { ServerInfo, ServerStatus, TunnelHealth } from '../../../../shared/api.js';
import { parseCommand } from '../command.js';
import { duration, printJson, table } from '../format.js';
import { withHub } from '../with-hub.js';

/** Servers that have ended: kept in the list (Start again, Forget) but no longer what a person looks for first. */
const ENDED: ReadonlySet<ServerStatus> = new Set(['stopped', 'failed', 'cancelled']);

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { all: { type: 'boolean' }, json: { type: 'boolean' } }, []);
  const servers = await withHub((hub) => hub.listServers({}));
  if (values.json) {
    printJson(servers);
    return 0;
  }
  process.stdout.write(listing(servers, values.all ?? false));
  return 0;
}

/** The table for people: servers that are (or may be) alive first, ended ones under them with `all`. */
export function listing(servers: ServerInfo[], all: boolean, now = Date.now()): string {
  if (servers.length === 0) return 'No servers. Start one with `hubtray start SYSTEM`.\n';
  const active = servers.filter((s) => !ENDED.has(s.status));
  const ended = servers.filter((s) => ENDED.has(s.status));
  const shown = all ? [...active, ...ended] : active;
  const hidden = all ? 0 : ended.length;
  const note = hidden > 0 ? `${hidden} ended server${hidden === 1 ? '' : 's'} not shown; \`hubtray list --all\` lists ${hidden === 1 ? 'it' : 'them'}.\n` : '';
  if (shown.length === 0) return `No running or starting servers. ${note}`;
  const rows = shown.map((s) => [s.name, s.system, s.status, uptime(s, now), tunnel(s.tunnel), s.url ?? '-']);
  return `${table(['NAME', 'SYSTEM', 'STATUS', 'UPTIME', 'TUNNEL', 'URL'], rows)}\n${forwards(shown)}${note}`;
}

/** The servers' further forwarded ports, in a table of their own under the servers', URLs last and whole as there. */
function forwards(servers: ServerInfo[]): string {
  const rows = servers.flatMap((s) => (s.forwards ?? []).map((f) => [s.name, f.name, String(f.remotePort), f.via === 'server-proxy' ? 'link (jupyter-server-proxy)' : tunnel(f.health), f.url ?? '-']));
  return rows.length === 0 ? '' : `\n${table(['SERVER', 'FORWARD', 'REMOTE PORT', 'HEALTH', 'URL'], rows)}\n`;
}

function uptime(server: ServerInfo, now: number): string {
  if (server.status !== 'running' || !server.readyAt) return '-';
  const up = duration(now - Date.parse(server.readyAt));
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
