// A lab's activity report (POST /hub/api/users/NAME/activity, as jupyterhub-singleuser sends it every
// JUPYTERHUB_ACTIVITY_INTERVAL): `{"last_activity": TIME, "servers": {NAME: {"last_activity": TIME}}}`. Read as
// JupyterHub's ActivityAPIHandler reads it, for the one server whose token posted it: a lab reports for itself.
import { HubHttpError } from './http.js';
import { parseTime } from '../../../shared/time.js';

/** The reported time for `server`: its own entry, else the user's; 400 for a body with neither or a bad time. */
export function reportedActivity(body: Record<string, unknown> | null, server: string): Date {
  const servers = body?.servers;
  if (servers !== undefined && (typeof servers !== 'object' || servers === null || Array.isArray(servers))) throw new HubHttpError(400, 'servers must be an object of server names');
  const named = Object.keys(servers ?? {}).filter((name) => name !== server);
  if (named.length > 0) throw new HubHttpError(403, 'this token may only report its own server\'s activity');
  const own = (servers as Record<string, unknown> | undefined)?.[server];
  const text = (own as { last_activity?: unknown } | undefined)?.last_activity ?? body?.last_activity;
  if (text === undefined) throw new HubHttpError(400, 'body has no activity');
  const time = typeof text === 'string' ? parseTime(text) : null;
  if (!time) throw new HubHttpError(400, 'last_activity must be an ISO 8601 timestamp');
  return time;
}

/**
 * The activity a lab has reported, in this computer's clock. A lab whose clock runs ahead reports the future: a
 * report counts as activity when it arrives at the latest, and a time reported again (an idle lab repeats its last
 * one every interval) counts only once, so that a wrong clock cannot keep a server alive for ever.
 */
export class ReportedActivity {
  private lastReported: number | null = null;
  private at: Date | null = null;

  report(reported: Date, arrived = new Date()): void {
    if (reported.getTime() === this.lastReported) return;
    this.lastReported = reported.getTime();
    const at = reported > arrived ? arrived : reported;
    if (!this.at || at > this.at) this.at = at;
  }

  latest(): Date | null {
    return this.at;
  }
}
