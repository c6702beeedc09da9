// What hubtray remembers about a server so that a restarted hub can re-attach to it. There is no field for a
// token or password: those live in the keychain, and anything not declared here is dropped when a record is saved.
import { z } from 'zod';
import { ServerName, ServerStatus, SystemKind, SystemName } from '../../../shared/api.js';

// Typed loosely for callers (spawner state is whatever getState() returns) but checked to be plain JSON, so that a
// record reads back exactly as it was saved.
export const JsonObject = z
  .record(z.string(), z.unknown())
  .refine((value) => z.json().safeParse(value).success, 'must be plain JSON: strings, finite numbers, booleans, null, arrays and objects');
const Timestamp = z.iso.datetime();

export const ServerRecord = z.object({
  name: ServerName,
  system: SystemName,
  kind: SystemKind,
  userOptions: JsonObject,
  /** The spawner's getState(): enough to poll and stop the server after a restart (e.g. host and PID). */
  spawnerState: JsonObject,
  /** The local port is kept so that a rebuilt tunnel reuses it and open browser tabs keep working. */
  tunnel: z.object({ localPort: z.number().int().min(1).max(65535).optional() }),
  status: ServerStatus,
  createdAt: Timestamp,
  readyAt: Timestamp.nullable(),
  stoppedAt: Timestamp.nullable(),
  exitStatus: z.number().int().nullable(),
  reason: z.string().nullable(),
});
export type ServerRecord = z.infer<typeof ServerRecord>;

export const StateFile = z
  .object({
    version: z.literal(1),
    servers: z.record(ServerName, ServerRecord),
    /** The last options used per system, offered as the form's defaults next time. */
    lastOptions: z.record(SystemName, JsonObject),
    /** Named option sets per system ("presets"), saved by the user. Absent in files from before presets. */
    presets: z.record(SystemName, z.record(z.string(), JsonObject)).default({}),
  })
  .superRefine((state, ctx) => {
    for (const [key, record] of Object.entries(state.servers)) {
      if (record.name !== key) ctx.addIssue({ code: 'custom', path: ['servers', key, 'name'], message: `does not match its key "${key}"` });
    }
  });
export type StateFile = z.infer<typeof StateFile>;
