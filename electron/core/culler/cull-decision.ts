// Whether a server is culled, warned about, or left alone: jupyterhub-idle-culler's rule for one server, as a pure
// function of what the server said and a clock. Idle since its last activity (or the user's "Keep running", whichever
// is later); busy kernels and open connections are activity now unless cull_busy says busy counts as idle; a server
// older than cull_max_age goes however busy it is.
import type { OwnTraffic } from './own-traffic.js';

export interface CullPolicy {
  idleTimeoutSeconds: number;
  maxAgeSeconds: number;
  cullBusy: boolean;
  warningSeconds: number;
}

export interface CullFacts {
  now: Date;
  /** When the server became ready. */
  startedAt: Date;
  lastActivity: Date | null;
  busyKernels: number;
  connections: number;
  /** The user's last "Keep running", if any. */
  keptAt: Date | null;
}

export type CullVerdict =
  /** `lookAgainAt`: when the warning would be due if nothing happens meanwhile, so that the check comes in time. */
  | { action: 'keep'; lookAgainAt?: Date }
  | { action: 'warn'; stopsAt: Date; why: string }
  | { action: 'cull'; why: string };

export function decideCull(policy: CullPolicy, facts: CullFacts): CullVerdict {
  const now = facts.now.getTime();
  const candidates: { at: number; why: string; warn: string }[] = [];
  if (policy.idleTimeoutSeconds > 0) {
    const activeNow = facts.connections > 0 || (facts.busyKernels > 0 && !policy.cullBusy);
    const idleSince = activeNow ? now : Math.max(...[facts.lastActivity, facts.keptAt, facts.startedAt].map((d) => d?.getTime() ?? 0));
    const idleMinutes = minutes(now - idleSince);
    candidates.push({
      at: idleSince + policy.idleTimeoutSeconds * 1000,
      why: `stopped after ${minutes(policy.idleTimeoutSeconds * 1000)} idle (cull_idle_timeout)`,
      warn: `has been idle for ${idleMinutes}`,
    });
  }
  if (policy.maxAgeSeconds > 0) {
    // "Keep running" grants one more period past the age limit too, or the button would do nothing near it.
    const bound = Math.max(facts.startedAt.getTime() + policy.maxAgeSeconds * 1000, (facts.keptAt?.getTime() ?? 0) + policy.warningSeconds * 1000);
    candidates.push({ at: bound, why: `stopped after running for ${minutes(policy.maxAgeSeconds * 1000)} (cull_max_age)`, warn: `has been running for ${minutes(now - facts.startedAt.getTime())}` });
  }
  const first = candidates.sort((a, b) => a.at - b.at)[0];
  if (!first) return { action: 'keep' };
  if (first.at <= now) return { action: 'cull', why: first.why };
  if (first.at - now <= policy.warningSeconds * 1000) return { action: 'warn', stopsAt: new Date(first.at), why: first.warn };
  return { action: 'keep', lookAgainAt: new Date(first.at - policy.warningSeconds * 1000) };
}

/** "60 min", "90 s": the words the event log and the warning use. */
export function minutes(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

/**
 * The hub's last_activity for a server, as the user's activity: not when it may be one of hubtray's own requests
 * (a hub's proxy counts those too; the server's own answer covers that time); a hub whose clock runs ahead grants
 * no future.
 */
export function userActivityFromHub(hubSaw: Date | null, own: OwnTraffic, now: Date): Date | null {
  if (!hubSaw || own.explains(hubSaw)) return null;
  return hubSaw > now ? now : hubSaw;
}

/** The later of two activity times, either of which may be unknown. */
export function latest(a: Date | null, b: Date | null): Date | null {
  if (!a || !b) return a ?? b;
  return a > b ? a : b;
}
