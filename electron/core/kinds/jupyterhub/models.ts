// The parts of JupyterHub's REST models that hubtray reads, checked on arrival: a hub that answers something else
// (a proxy's page, another service, a hostile peer) gets a clear error instead of undefined behaviour deeper in.
import { z } from 'zod';
import { describeZodError } from '../../../../shared/api.js';
import { boundedText } from '../../../../shared/text.js';
import { HubAnswerError } from './hub-api-error.js';

export const ServerModel = z.object({
  name: z.string(),
  ready: z.boolean(),
  pending: z.string().nullable(),
  /** The server's path through the proxy, e.g. /user/alice/work/; checked where it is used (origin.ts). */
  url: z.string(),
  started: z.string().nullable().optional(),
  stopped: z.boolean().optional(),
  user_options: z.record(z.string(), z.unknown()).nullable().optional(),
  /** What the hub last saw of the server: its proxy's traffic and the server's own activity reports (read:servers). */
  last_activity: z.string().nullable().optional(),
});
export type ServerModel = z.infer<typeof ServerModel>;

export const UserModel = z.object({
  name: z.string().min(1),
  kind: z.string().optional(),
  /** Keyed by server name; '' is the default server. Only active servers unless include_stopped_servers is asked. */
  servers: z.record(z.string(), ServerModel).default({}),
  /** From GET /hub/api/user: what the token asking may do. */
  scopes: z.array(z.string()).optional(),
});
export type UserModel = z.infer<typeof UserModel>;

export const TokenModel = z.object({ id: z.string(), token: z.string().min(8) });
export type TokenModel = z.infer<typeof TokenModel>;

export const VersionModel = z.object({ version: z.string() });

export function parseModel<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  // Keys of the hub's choosing (server names) appear in the description: it is cut short.
  if (!parsed.success) throw new HubAnswerError(`the hub's answer to ${what} is not what JupyterHub sends (${boundedText(describeZodError(parsed.error), 300)})`);
  return parsed.data;
}
