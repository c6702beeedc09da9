// What an Outpost server's record keeps (ForwardBaseSpawner's state: port_forward_info, custom_port, start_id, plus
// what hubtray needs to find its way back after a restart): the Outpost and service it talks to, where the lab
// listens and through which SSH node, and the remote forward that leads the lab back to hubtray.
import { z } from 'zod';
import type { JsonObject } from '../../spawner/spawner.js';

const Target = z.object({
  host: z.string(),
  user: z.string().optional(),
  port: z.number().int().optional(),
  identityFile: z.string().optional(),
  connectTimeoutSeconds: z.number(),
  keepaliveIntervalSeconds: z.number(),
  keepaliveCountMax: z.number().int(),
});

export const OutpostState = z.object({
  /** The service's name at the Outpost: the server's name. */
  name: z.string(),
  start_id: z.string(),
  request_url: z.string(),
  /** "host:port" as the Outpost (or the setup-tunnel callback) said; "" until an asynchronous start has told. */
  service: z.string(),
  /** custom_port: the port the lab was asked to listen on. */
  port: z.number().int(),
  /** The lab's path and scheme: /user/USER/SERVER/ (or what update_expected_path made of it). */
  path: z.string(),
  https: z.boolean(),
  /** The SSH node the lab is reached through; null: directly. */
  via: Target.nullable(),
  /** The SSH remote forward the lab reaches hubtray's personal hub through. */
  remote_forward: z.object({ target: Target, bind: z.string(), port: z.number().int() }).nullable(),
  /** With certs: the port of the lab's TLS relay on 127.0.0.1 (lab-tls.ts), kept across restarts for open tabs. */
  relay_port: z.number().int().nullable().default(null),
  /** JUPYTERHUB_API_URL as the lab got it. */
  api_url: z.string(),
  /** The exit code the Outpost reported, once it has. */
  exit_code: z.number().int().nullable().default(null),
  /** The user options of the start, for the hooks that run after a restart (pre_poll_hook, pre_stop_hook, …). */
  user_options: z.record(z.string(), z.unknown()).default({}),
  /** The settings group_overrides and apply_user_options_hook changed for this start (overridesOf). */
  overrides: z.record(z.string(), z.unknown()).default({}),
});
export type OutpostState = z.infer<typeof OutpostState>;

/** null for an empty record (a server that never got this far) or one hubtray cannot read. */
export function readOutpostState(state: JsonObject): OutpostState | null {
  const parsed = OutpostState.safeParse(state);
  return parsed.success ? parsed.data : null;
}
