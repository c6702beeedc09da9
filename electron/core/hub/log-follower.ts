// One server's log, followed: read by byte offsets while anyone follows it, each read bounded (LOG_CHUNK_BYTES),
// and handed to every follower as it grows. It starts with the log's newest part; a log that was truncated or
// replaced starts again from 0, and one that grows faster than it can be shown skips to its newest part, each
// saying so. When the server ends, the last of its log is sent and the follow says it has ended.
import { LOG_CHUNK_BYTES, type LogChunk } from '../../../shared/api.js';
import { errorMessage } from '../../../shared/error-message.js';
import { boundedText } from '../../../shared/text.js';
import type { LogReader } from '../spawner/log-range.js';
import { EDGE_MARGIN_BYTES, logText, safeBoundary, safeEnd } from './log-cut.js';
import { redact } from './redact.js';

export interface LogSource {
  read: LogReader;
  /** How often the log is read while followed: a file on a host often, a log that a peer sends whole less often. */
  intervalMs: number;
  /** What must never show in the log's text (the server's token). */
  secrets(): string[];
  /** False once the server has ended: its log will not grow any more. */
  active(): boolean;
}

/** A log that is this much ahead of the last read is shown from its newest part: "load earlier" has the rest. */
const SKIP_BYTES = 4 * LOG_CHUNK_BYTES;
/** After a read failed (the host unreachable), the next try. */
const RETRY_MS = 5000;
const TAIL_READ_BYTES = LOG_CHUNK_BYTES + EDGE_MARGIN_BYTES;

export class LogFollower {
  private readonly listeners = new Set<(chunk: LogChunk) => void>();
  /** The last chunks sent, about LOG_CHUNK_BYTES of them, for one who joins later. */
  private recent: LogChunk[] = [];
  /** Where the next read starts; null: the next read takes the log's newest part. */
  private readTo: number | null = null;
  /** The log's bytes from `sentTo` to `readTo` that wait for their rest (a character, what may be a secret). */
  private pending: Buffer = Buffer.alloc(0);
  private sentTo = 0;
  /** The log file's identity when last read; null while there is no log. */
  private identity: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  private lastError: string | null = null;
  private stopped = false;
  private ended = false;

  constructor(
    private readonly name: string,
    private readonly source: LogSource,
    /** Called once the last follower has left: the follower is done. */
    private readonly idle: () => void,
  ) {}

  /** The listener gets what the log said last, then each piece as it comes. Returns the leave. */
  join(listener: (chunk: LogChunk) => void): () => void {
    this.listeners.add(listener);
    if (!this.started) {
      this.started = true;
      this.schedule(0);
    } else if (this.recent.length > 0) listener(this.snapshot());
    return () => {
      if (!this.listeners.delete(listener) || this.listeners.size > 0) return;
      this.stop();
      this.idle();
    };
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(ms: number): void {
    if (this.stopped || this.ended) return;
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    let delay = this.source.intervalMs;
    // Asked before the read: once the server has ended, what this read finds is all there will be.
    const ending = !this.source.active();
    try {
      await (this.readTo === null ? this.readTail() : this.readOn(this.readTo));
      this.lastError = null;
      if (ending) this.finish();
    } catch (error) {
      delay = RETRY_MS;
      const why = boundedText(`could not read the log: ${redact(errorMessage(error), this.source.secrets())}; trying again in ${RETRY_MS / 1000} s`, 500);
      if (why !== this.lastError) this.note(why);
      this.lastError = why;
    }
    this.schedule(delay);
  }

  private async readTail(note?: string): Promise<void> {
    const read = await this.source.read({ lastBytes: TAIL_READ_BYTES }, TAIL_READ_BYTES);
    if (this.stopped) return;
    if (!read) return this.restart(
      note ?? (this.source.active() ? 'there is no log yet' : 'the server has ended and its log is gone with its run folder; its last lines are in the reason it ended'),
    );
    const start = read.from === 0 ? 0 : safeBoundary(read.bytes, Math.max(0, read.bytes.length - LOG_CHUNK_BYTES), this.source.secrets());
    this.identity = read.identity;
    this.sentTo = read.from + start;
    this.pending = read.bytes.subarray(start);
    this.readTo = read.from + read.bytes.length;
    this.send(read.size, { note, always: true });
  }

  private async readOn(from: number): Promise<void> {
    const read = await this.source.read({ from }, LOG_CHUNK_BYTES);
    if (this.stopped) return;
    if (!read) {
      if (this.identity !== null) this.restart('the log is gone: its file was removed');
      return;
    }
    if (read.from !== from || (this.identity !== null && read.identity !== this.identity)) {
      // Truncated (shorter than what was read of it: the script read from 0) or replaced by another file.
      const fresh = read.from === 0 ? read : await this.source.read({ from: 0 }, LOG_CHUNK_BYTES);
      if (this.stopped || !fresh) return;
      this.identity = fresh.identity;
      this.sentTo = 0;
      this.pending = fresh.bytes;
      this.readTo = fresh.bytes.length;
      return this.send(fresh.size, { note: 'the log was truncated or replaced; it is shown again from its start', always: true });
    }
    const behind = read.size - (from + read.bytes.length);
    if (behind > SKIP_BYTES) {
      const skipped = Math.round((read.size - this.sentTo - LOG_CHUNK_BYTES) / 1024);
      return this.readTail(`${skipped} KB of the log were skipped, as it grows faster than it can be shown; "load earlier" shows them`);
    }
    this.identity = read.identity;
    this.pending = Buffer.concat([this.pending, read.bytes]);
    this.readTo = from + read.bytes.length;
    this.send(read.size, {});
  }

  /** There is no log (yet, or any more): the next read takes it from its start, whenever it is there. */
  private restart(note: string): void {
    this.identity = null;
    this.pending = Buffer.alloc(0);
    this.sentTo = 0;
    this.readTo = 0;
    this.emit({ name: this.name, from: 0, to: 0, size: 0, text: '', note });
  }

  private finish(): void {
    this.send(this.sentTo + this.pending.length, { final: true });
    this.ended = true;
    this.note('the server has ended; its log will not grow any more');
  }

  private note(note: string): void {
    this.emit({ name: this.name, from: this.sentTo, to: this.sentTo, size: this.sentTo + this.pending.length, text: '', note, ...(this.ended ? { ended: true } : {}) });
  }

  /** Sends what of `pending` is whole; `always`: even when that is nothing (a follow's first look, a restart). */
  private send(size: number, options: { note?: string | undefined; always?: boolean; final?: boolean }): void {
    const secrets = this.source.secrets();
    const end = safeEnd(this.pending, secrets, options.final ?? false);
    if (end === 0 && !options.always && options.note === undefined) return;
    const text = logText(this.pending.subarray(0, end), secrets);
    const chunk: LogChunk = { name: this.name, from: this.sentTo, to: this.sentTo + end, size, text, ...(options.note ? { note: options.note } : {}) };
    this.sentTo += end;
    this.pending = this.pending.subarray(end);
    this.emit(chunk);
  }

  private emit(chunk: LogChunk): void {
    if (this.stopped) return;
    const last = this.recent.at(-1);
    if (last && last.to === chunk.from) this.recent.push(chunk);
    else this.recent = [chunk];
    while (this.recent.length > 1 && chunk.to - (this.recent[0] as LogChunk).to > LOG_CHUNK_BYTES) this.recent.shift();
    for (const listener of this.listeners) listener(chunk);
  }

  /** What was sent last, as one chunk; with the last note, so that one who joins hears why the log looks as it does. */
  private snapshot(): LogChunk {
    const first = this.recent[0] as LogChunk;
    const last = this.recent.at(-1) as LogChunk;
    const note = this.recent.findLast((chunk) => chunk.note)?.note;
    return {
      name: this.name,
      from: first.from,
      to: last.to,
      size: last.size,
      text: this.recent.map((chunk) => chunk.text).join(''),
      ...(note ? { note } : {}),
      ...(this.ended ? { ended: true } : {}),
    };
  }
}
