// A ServerInfo as the Hub sends it, for tests of what the faces make of one.
import type { ServerInfo } from '../../shared/api.js';

export function serverInfo(name: string, status: ServerInfo['status'], extra: Partial<ServerInfo> = {}): ServerInfo {
  return {
    name,
    system: 'lab',
    kind: 'ssh',
    status,
    url: null,
    progress: 0,
    userOptions: {},
    createdAt: '2026-11-22T00:00:00.000Z',
    readyAt: null,
    stoppedAt: null,
    exitStatus: null,
    reason: null,
    tunnel: status === 'running' ? { state: 'connected', localPort: 8888 } : { state: 'none' },
    events: [],
    ...extra,
  };
}
