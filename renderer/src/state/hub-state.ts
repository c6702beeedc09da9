// What the renderer knows of the Hub, as a pure function of its events: every view reads this, none polls. A
// `server` event carries the whole server and replaces it; a `progress` event adds to a starting server's log.
import type { HubEvent, Prompt, ServerInfo, SystemInfo } from '../../../shared/api.js';
import type { ConnectionStatus } from '../bridge/bridge.js';

export interface Notice {
  id: number;
  level: 'info' | 'warning' | 'error';
  message: string;
}

export interface HubState {
  connection: ConnectionStatus;
  servers: Record<string, ServerInfo>;
  /** When each batch job's walltime ends, by this clock: a server event's walltime left counts from its arrival. */
  walltimeEnds: Record<string, number>;
  /** When the idle culler stops each server it has warned about, by this clock; the window's banner counts down to it. */
  cullEnds: Record<string, number>;
  /** null until first loaded. */
  systems: SystemInfo[] | null;
  prompts: Prompt[];
  notices: Notice[];
  /**
   * Servers known from before the latest (re)connection that nothing has confirmed since: the stream's snapshot
   * confirms those that still exist, and the listing that follows the connection ('listed') drops the others (e.g.
   * dismissed from the CLI while this page had lost contact).
   */
  unconfirmed: string[];
}

export const initialState: HubState = { connection: 'connecting', servers: {}, walltimeEnds: {}, cullEnds: {}, systems: null, prompts: [], notices: [], unconfirmed: [] };

/**
 * Whether what the page shows of the servers is current: only while the event stream is up. Otherwise it is what
 * was last heard, and the views show it as unknown, with its actions disabled.
 */
export function hubReachable(state: HubState): boolean {
  return state.connection === 'connected';
}

const maxNotices = 5;
let nextNoticeId = 1;

export type Action =
  /** `at`: when the event arrived (Date.now()). */
  | { type: 'event'; event: HubEvent; at: number }
  | { type: 'connection'; status: ConnectionStatus }
  /** The servers the Hub listed after a (re)connection. */
  | { type: 'listed'; names: string[] }
  | { type: 'systems'; systems: SystemInfo[] }
  | { type: 'prompts'; prompts: Prompt[] }
  | { type: 'notice'; level: Notice['level']; message: string }
  | { type: 'dismiss'; id: number };

export function reduce(state: HubState, action: Action): HubState {
  switch (action.type) {
    case 'event':
      return applyEvent(state, action.event, action.at);
    case 'connection':
      return action.status === 'connected' && state.connection !== 'connected'
        ? { ...state, connection: action.status, unconfirmed: Object.keys(state.servers) }
        : { ...state, connection: action.status };
    case 'listed': {
      const listed = new Set(action.names);
      const gone = new Set(state.unconfirmed.filter((name) => !listed.has(name)));
      if (gone.size === 0) return state.unconfirmed.length === 0 ? state : { ...state, unconfirmed: [] };
      const keep = <T,>(record: Record<string, T>) => Object.fromEntries(Object.entries(record).filter(([name]) => !gone.has(name)));
      return { ...state, servers: keep(state.servers), walltimeEnds: keep(state.walltimeEnds), cullEnds: keep(state.cullEnds), unconfirmed: [] };
    }
    case 'systems':
      return { ...state, systems: action.systems };
    case 'prompts': {
      // Merged, not replaced: a prompt announced while the list was fetched is newer than the list.
      const known = new Set(state.prompts.map((p) => p.id));
      return { ...state, prompts: [...state.prompts, ...action.prompts.filter((p) => !known.has(p.id))] };
    }
    case 'notice':
      return { ...state, notices: [...state.notices, { id: nextNoticeId++, level: action.level, message: action.message }].slice(-maxNotices) };
    case 'dismiss':
      return { ...state, notices: state.notices.filter((n) => n.id !== action.id) };
  }
}

function applyEvent(state: HubState, event: HubEvent, at: number): HubState {
  switch (event.event) {
    case 'server': {
      const { name, walltimeLeftSeconds, cullInSeconds } = event.data;
      const { [name]: _previous, ...walltimeEnds } = state.walltimeEnds;
      if (walltimeLeftSeconds !== undefined) walltimeEnds[name] = at + walltimeLeftSeconds * 1000;
      const { [name]: _warned, ...cullEnds } = state.cullEnds;
      if (cullInSeconds !== undefined) cullEnds[name] = at + cullInSeconds * 1000;
      return { ...state, servers: { ...state.servers, [name]: event.data }, walltimeEnds, cullEnds, unconfirmed: without(state.unconfirmed, name) };
    }
    case 'forgotten': {
      const { [event.data.name]: _server, ...servers } = state.servers;
      const { [event.data.name]: _end, ...walltimeEnds } = state.walltimeEnds;
      const { [event.data.name]: _cull, ...cullEnds } = state.cullEnds;
      return { ...state, servers, walltimeEnds, cullEnds, unconfirmed: without(state.unconfirmed, event.data.name) };
    }
    case 'progress': {
      const server = state.servers[event.data.name];
      if (!server) return state;
      const last = server.events.at(-1);
      // The event stream replays what happened while its snapshot was taken; a repeat of the last event is that.
      if (last && last.progress === event.data.event.progress && last.message === event.data.event.message) return state;
      const updated = { ...server, progress: event.data.event.progress, events: [...server.events, event.data.event] };
      return { ...state, servers: { ...state.servers, [server.name]: updated } };
    }
    case 'prompt':
      return state.prompts.some((p) => p.id === event.data.id) ? state : { ...state, prompts: [...state.prompts, event.data] };
    case 'promptClosed':
      return { ...state, prompts: state.prompts.filter((p) => p.id !== event.data.id) };
    case 'systems':
      return { ...state, systems: event.data };
    case 'notice':
      // The idle culler's warning is the banner of its server (views/notices.tsx), there as long as the cull is due.
      if (event.data.topic === 'cull') return state;
      return reduce(state, { type: 'notice', level: event.data.level, message: event.data.message });
    case 'log':
      // Only a log view that follows a server hears of its log (see views/server-logs.tsx).
      return state;
  }
}

function without(names: string[], name: string): string[] {
  return names.includes(name) ? names.filter((n) => n !== name) : names;
}

// A lost server may still run: it stays with the active ones, where Stop is.
const activeStatuses: ReadonlySet<ServerInfo['status']> = new Set(['starting', 'running', 'stopping', 'lost']);

export function isActive(server: ServerInfo): boolean {
  return activeStatuses.has(server.status);
}

/** Active servers first, then the rest; newest first within each. */
export function sortedServers(servers: Record<string, ServerInfo>): ServerInfo[] {
  return Object.values(servers).sort((a, b) => Number(isActive(b)) - Number(isActive(a)) || b.createdAt.localeCompare(a.createdAt));
}
