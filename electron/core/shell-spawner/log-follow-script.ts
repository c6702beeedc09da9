// Reading a piece of a log file on a host by its byte offsets, for following a server's log: one script run per
// read, each bounded (at most `maxBytes`), so a log of gigabytes costs no more than a small one. The bytes travel as
// hex (od), so the offsets stay exact whatever the log holds (invalid UTF-8, a character cut at the chunk's end);
// the reader decodes them once it has whole characters.
import type { LogBytes, LogRange } from '../spawner/log-range.js';

const count = (n: number) => {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`invalid byte count ${n}`);
  return String(n);
};

/**
 * `file` is a shell expression for the log's path (already quoted). An offset past the end (the file was truncated)
 * reads from 0 instead: the reader sees `from` differ from what it asked.
 */
export function logRangeScript(file: string, range: LogRange, maxBytes: number): string {
  const from = 'from' in range ? count(range.from) : `$((HT_SIZE > ${count(range.lastBytes)} ? HT_SIZE - ${count(range.lastBytes)} : 0))`;
  return `HT_LOG=${file}
[ -r "$HT_LOG" ] || { echo HUBTRAY_NO_LOG; exit 0; }
HT_SIZE=$(wc -c <"$HT_LOG" | tr -cd 0-9)
HT_ID=$(ls -di "$HT_LOG" 2>/dev/null | awk '{ print $1 }')
HT_FROM=${from}
[ "$HT_FROM" -le "$HT_SIZE" ] || HT_FROM=0
HT_LEN=$((HT_SIZE - HT_FROM))
[ "$HT_LEN" -le ${count(maxBytes)} ] || HT_LEN=${count(maxBytes)}
printf 'HUBTRAY_LOG %s %s %s %s\\n' "$HT_SIZE" "$HT_FROM" "$HT_LEN" "$HT_ID"
[ "$HT_LEN" -eq 0 ] || tail -c +$((HT_FROM + 1)) "$HT_LOG" | head -c "$HT_LEN" | od -An -v -tx1
`;
}

/** The script's answer; anything else (a shell that failed) throws with the host's own words. */
export function parseLogRange(stdout: string, stderr: string): LogBytes | null {
  if (/^HUBTRAY_NO_LOG$/m.test(stdout)) return null;
  const head = /^HUBTRAY_LOG (\d+) (\d+) (\d+) ?(\S*)\n/m.exec(stdout);
  if (!head) throw new Error(`the log could not be read: ${stderr.trim().split('\n').pop() || 'the script printed no answer'}`);
  const hex = stdout.slice(head.index + head[0].length).replace(/\s+/g, '');
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) throw new Error('the log could not be read: od printed something other than bytes');
  const bytes = Buffer.from(hex, 'hex');
  // Fewer bytes than announced: the file shrank between the size and the read; what came is still exact.
  return { size: Number(head[1]), from: Number(head[2]), identity: head[4] ?? '', bytes: bytes.subarray(0, Number(head[3])) };
}
