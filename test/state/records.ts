// Server records for tests, valid unless a test overrides a field.
import type { ServerRecord } from '../../electron/core/state/server-record.js';

export function serverRecord(name: string, overrides: Partial<ServerRecord> = {}): ServerRecord {
  return {
    name,
    system: 'cluster',
    kind: 'ssh',
    userOptions: { cpus: 2, partition: 'batch' },
    spawnerState: { pid: 1234, remoteDir: '/tmp/x' },
    tunnel: { localPort: 41000 },
    status: 'running',
    createdAt: '2025-01-02T03:04:05.000Z',
    readyAt: '2025-01-02T03:04:09.000Z',
    stoppedAt: null,
    exitStatus: null,
    reason: null,
    ...overrides,
  };
}
