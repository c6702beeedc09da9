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
  /** null until first loaded. */
  systems: SystemInfo[] | null;
  prompts: Prompt[];
  notices: Notice[];
}

export const initialState: HubState = { connection: 'connecting', servers: {}, walltimeEnds: {}, systems: null, prompts: [], notices: [] };

const maxNotices = 5;
let nextNoticeId = 1;

export type Action =
  /** `at`: when the event arrived (Date.now()). */
  | { type: 'event'; event: HubEvent; at: number }
  | { type: 'connection'; status: ConnectionStatus }
  | { type: 'systems'; systems: SystemInfo[] }
  | { type: 'prompts'; prompts: Prompt[] }
  | { type: 'notice'; level: Notice['level']; message: string }
  | { type: 'dismiss'; id: number };

export function reduce(state: HubState, action: Action): HubState {
  switch (action.type) {
    case 'event':
      return applyEvent(state, action.event, action.at);
    case 'connection':
      return { ...state, connection: action.status };
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
      const { name, walltimeLeftSeconds } = event.data;
      const { [name]: _previous, ...walltimeEnds } = state.walltimeEnds;
      if (walltimeLeftSeconds !== undefined) walltimeEnds[name] = at + walltimeLeftSeconds * 1000;
      return { ...state, servers: { ...state.servers, [name]: event.data }, walltimeEnds };
    }
    case 'forgotten': {
      const { [event.data.name]: _server, ...servers } = state.servers;
      const { [event.data.name]: _end, ...walltimeEnds } = state.walltimeEnds;
      return { ...state, servers, walltimeEnds };
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
      return reduce(state, { type: 'notice', level: event.data.level, message: event.data.message });
  }
}

const activeStatuses: ReadonlySet<ServerInfo['status']> = new Set(['starting', 'running', 'stopping']);

export function isActive(server: ServerInfo): boolean {
  return activeStatuses.has(server.status);
}

/** Active servers first, then the rest; newest first within each. */
export function sortedServers(servers: Record<string, ServerInfo>): ServerInfo[] {
  return Object.values(servers).sort((a, b) => Number(isActive(b)) - Number(isActive(a)) || b.createdAt.localeCompare(a.createdAt));
}
