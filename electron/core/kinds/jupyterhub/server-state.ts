// What hubtray saves about a server on a hub (in state.json): which user's which server, where it is, and the id of
// its token; never a token itself (that is in the keychain).
import { z } from 'zod';
import type { JsonObject } from '../../spawner/spawner.js';

const HubServerState = z.object({
  /** The hub's public URL: the same user and server names on another hub are another server. */
  hub: z.string(),
  user: z.string().min(1),
  /** '' is the user's default server. */
  server: z.string(),
  /** Its path on the hub, e.g. /user/alice/work/; '' until the hub says it is ready. */
  url: z.string(),
  token_id: z.string().nullable(),
  login: z.object({ path: z.string(), note: z.string() }).nullable(),
});
export type HubServerState = z.infer<typeof HubServerState>;

export function hubServerState(state: HubServerState): JsonObject {
  return { ...state };
}

/** Null for a state that is not one of ours (an older format, or a hand-edited file): nothing to re-attach to. */
export function readHubServerState(state: JsonObject): HubServerState | null {
  const parsed = HubServerState.safeParse(state);
  return parsed.success ? parsed.data : null;
}

/** Whether a saved state (of any kind's spawner) names this server on this hub. */
export function sameHubServer(a: JsonObject, b: Pick<HubServerState, 'hub' | 'user' | 'server'>): boolean {
  const state = readHubServerState(a);
  return state !== null && state.hub === b.hub && state.user === b.user && state.server === b.server;
}
