// A server's log as byte ranges, for following it: what a spawner that keeps its log in a file on a host offers
// (Spawner.readLog), and what the Hub's log follower reads.

/** Which bytes to read: from an offset on, or the file's last `lastBytes`. */
export type LogRange = { from: number } | { lastBytes: number };

/** What a read found: the file's size and identity, and bytes [from, from + bytes.length) of it. */
export interface LogBytes {
  size: number;
  /** Changes when the file is replaced by another (a rotation); compared, never interpreted. */
  identity: string;
  from: number;
  bytes: Buffer;
}

/** Reads at most `maxBytes` of a server's log; null when there is no log (yet, or any more). */
export type LogReader = (range: LogRange, maxBytes: number) => Promise<LogBytes | null>;
