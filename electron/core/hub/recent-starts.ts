// A start is never done twice: a client that lost the connection before the reply sends its start again with the
// same request id, and gets the first start's outcome (its server, or its error) rather than a second server.
import type { ServerInfo } from '../../../shared/api.js';

/** Long past any retry of a lost reply; ids older than this may start again. */
const keepMs = 10 * 60_000;
/** Bounds the memory whatever the rate of starts; far more than can be in flight at once. */
const maxKept = 256;

interface Kept {
  at: number;
  outcome: Promise<ServerInfo>;
}

/** One per Hub, so that two hubs in one process never answer each other's ids. */
export class RecentStarts {
  private readonly kept = new Map<string, Kept>();

  /** Runs `start` unless a start with `requestId` ran recently; then answers as that one did. */
  once(requestId: string | undefined, start: () => Promise<ServerInfo>): Promise<ServerInfo> {
    if (requestId === undefined) return start();
    // The monotonic clock: a step of the wall clock neither keeps an id for ever nor drops it at once.
    const now = performance.now();
    const earlier = this.kept.get(requestId);
    if (earlier && now - earlier.at < keepMs) return earlier.outcome;
    // A Map iterates in insertion order, so the oldest come first.
    for (const [id, { at }] of this.kept) {
      if (now - at < keepMs && this.kept.size < maxKept) break;
      this.kept.delete(id);
    }
    const outcome = start();
    this.kept.set(requestId, { at: now, outcome });
    return outcome;
  }
}
