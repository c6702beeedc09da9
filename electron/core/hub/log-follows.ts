// Following servers' logs for every face: one LogFollower per server, shared by all who follow it, gone when the
// last one leaves; and "load earlier", a read of the part before what a face shows.
import { HubError, LOG_CHUNK_BYTES, type LogChunk } from '../../../shared/api.js';
import type { LogReader } from '../spawner/log-range.js';
import { EDGE_MARGIN_BYTES, logText, safeBoundary } from './log-cut.js';
import { LogFollower, type LogSource } from './log-follower.js';

export interface FollowedServer {
  logSource(): LogSource;
}

export class LogFollows {
  /** By runtime, not by name: a new server of a forgotten one's name has a log of its own. */
  private readonly followers = new Map<FollowedServer, LogFollower>();

  constructor(private readonly find: (name: string) => FollowedServer) {}

  follow(name: string, listener: (chunk: LogChunk) => void): () => void {
    const server = this.find(name);
    let follower = this.followers.get(server);
    if (!follower) {
      const created = new LogFollower(name, server.logSource(), () => {
        if (this.followers.get(server) === created) this.followers.delete(server);
      });
      this.followers.set(server, created);
      follower = created;
    }
    return follower.join(listener);
  }

  close(): void {
    for (const follower of this.followers.values()) follower.stop();
    this.followers.clear();
  }
}

/** The part of the log just before byte `before`, at most LOG_CHUNK_BYTES, cut where no character or secret is. */
export async function earlierChunk(name: string, source: LogSource, before: number): Promise<LogChunk> {
  const from = Math.max(0, before - LOG_CHUNK_BYTES - EDGE_MARGIN_BYTES);
  const read = await source.read({ from }, before - from + EDGE_MARGIN_BYTES);
  if (!read || read.from !== from) throw new HubError('conflict', `the log of ${name} has changed since it was shown (it is gone or was truncated); follow it again`);
  const secrets = source.secrets();
  const wanted = Math.max(0, before - LOG_CHUNK_BYTES) - from;
  const start = from === 0 && wanted === 0 ? 0 : safeBoundary(read.bytes, wanted, secrets);
  const end = safeBoundary(read.bytes, Math.min(before - from, read.bytes.length), secrets);
  return { name, from: from + start, to: from + end, size: read.size, text: logText(read.bytes.subarray(start, end), secrets) };
}

/**
 * A log that a spawner has only whole (an Outpost's, a JupyterHub's words), read as if it were a file: each read
 * takes it anew, and a text shorter than what was read of it reads as truncated.
 */
export function wholeTextReader(logs: () => Promise<string>): LogReader {
  return async (range, maxBytes) => {
    const all = Buffer.from(await logs());
    const asked = 'from' in range ? range.from : Math.max(0, all.length - range.lastBytes);
    const from = asked <= all.length ? asked : 0;
    return { size: all.length, identity: '', from, bytes: all.subarray(from, from + maxBytes) };
  };
}
