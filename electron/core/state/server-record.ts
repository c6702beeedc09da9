// What hubtray remembers about a server so that a restarted hub can re-attach to it. There is no field for a
// token or password: those live in the keychain, and anything not declared here is dropped when a record is saved.
import { z } from 'zod';
import { ServerName, ServerStatus, SystemKind, SystemName } from '../../../shared/api.js';
import { ForwardName, RemotePort } from '../../../shared/forwards.js';

// Typed loosely for callers (spawner state is whatever getState() returns) but checked to be plain JSON, so that a
// record reads back exactly as it was saved.
export const JsonObject = z
  .record(z.string(), z.unknown())
  .refine((value) => z.json().safeParse(value).success, 'must be plain JSON: strings, finite numbers, booleans, null, arrays and objects');
const Timestamp = z.iso.datetime();

/**
 * Remembered options and presets are rewritten with every save of state.json, so one huge form value would make
 * every status change cost megabytes of fsynced writes.
 */
export const maxOptionsBytes = 64 * 1024;

export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

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
  /**
   * The server's further forwards (extra_forwards, `hubtray forward`), so that a restarted hub opens them again on the
   * same local ports. `chosen`: the user gave the local port (it is never swapped for another).
   */
  forwards: z
    .array(
      z.object({
        name: ForwardName,
        remotePort: RemotePort,
        localPort: z.number().int().min(1).max(65535).optional(),
        chosen: z.boolean(),
        origin: z.enum(['config', 'added']),
      }),
    )
    .optional(),
  /** The user's last "Keep running" (the idle culler's clock starts there): a restarted hub must not cull early. */
  keptRunningAt: Timestamp.nullable().optional(),
});
export type ServerRecord = z.infer<typeof ServerRecord>;

export type JsonObject = Record<string, unknown>;

export interface StateFile {
  version: 1;
  servers: Record<string, ServerRecord>;
  /** The last options used per system, offered as the form's defaults next time. */
  lastOptions: Record<string, JsonObject>;
  /** Named option sets per system ("presets"), saved by the user. */
  presets: Record<string, Record<string, JsonObject>>;
  /** The system of the most recent start, preselected on the Start page (it outlives forgetting that server). */
  lastSystem?: string;
}

/**
 * Only the frame of state.json: its entries are checked one by one (see state-load.ts), so that one bad entry
 * costs that entry alone. Files from before presets have none.
 */
export const StateFileFrame = z.object({
  version: z.literal(1),
  servers: z.record(z.string(), z.unknown()),
  lastOptions: z.record(z.string(), z.unknown()).default({}),
  presets: z.record(z.string(), z.unknown()).default({}),
  // Checked by the loader: a bad one is only a preselection lost, never a reason to set the file aside.
  lastSystem: z.unknown().optional(),
});
