// Where a piece of a log may begin and end, so that what a follower sends is whole: never half a character (the
// bytes were read by offsets, not by characters), and never half a secret. A secret cut in two at a chunk's edge
// would pass redaction in both halves; so a cut never falls inside a secret, and the bytes at the growing end that
// could be the start of one wait for the next read.
import { redact } from './redact.js';

/** Bytes around a requested edge that are read too, to see a secret or a character that crosses it. */
export const EDGE_MARGIN_BYTES = 1024;

/** The secrets redact() replaces (it leaves ones too short to mean anything). */
const redacted = (secrets: readonly string[]) => secrets.filter((secret) => redact(secret, [secret]) !== secret);

const isContinuation = (byte: number | undefined) => byte !== undefined && (byte & 0xc0) === 0x80;

/** `index` moved back to the start of the character it falls in (at most 3 bytes, as UTF-8 allows). */
function charStart(bytes: Buffer, index: number): number {
  let i = index;
  while (i > 0 && index - i < 3 && isContinuation(bytes[i])) i--;
  return i;
}

/** `end` moved back so that [0, end) holds no character cut short. */
function wholeCharsEnd(bytes: Buffer, end: number): number {
  const lead = charStart(bytes, Math.max(0, end - 1));
  const byte = bytes[lead] ?? 0;
  const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
  return lead + length > end ? lead : end;
}

/** `index` moved back to the start of any secret it falls inside. */
function outsideSecrets(bytes: Buffer, index: number, secrets: readonly string[]): number {
  const spanning = (cut: number) => {
    for (const secret of redacted(secrets)) {
      const needle = Buffer.from(secret);
      const at = bytes.indexOf(needle, Math.max(0, cut - needle.length + 1));
      if (at !== -1 && at < cut) return at;
    }
    return null;
  };
  // Moved back, a cut may fall inside another secret (or another occurrence overlapping the first).
  let cut = index;
  for (let at = spanning(cut); at !== null; at = spanning(cut)) cut = at;
  return cut;
}

/** How many bytes at the end could be the first part of a secret, whose rest has not been read yet. */
function secretPrefixAtEnd(bytes: Buffer, secrets: readonly string[]): number {
  let longest = 0;
  for (const secret of redacted(secrets)) {
    for (let n = Math.min(secret.length - 1, bytes.length); n > longest; n--) {
      if (bytes.subarray(bytes.length - n).equals(Buffer.from(secret.slice(0, n)))) {
        longest = n;
        break;
      }
    }
  }
  return longest;
}

/**
 * Where a chunk may begin or end near `index` of `bytes`: at a character's start, outside every secret. `bytes`
 * reach EDGE_MARGIN_BYTES past `index` on both sides where the log has them.
 */
export function safeBoundary(bytes: Buffer, index: number, secrets: readonly string[]): number {
  return outsideSecrets(bytes, charStart(bytes, index), secrets);
}

/**
 * How much of `bytes` may be sent now: all of it but a character cut short and what could be a secret's start
 * (unless `final`: nothing more will come), and never up to the middle of a secret.
 */
export function safeEnd(bytes: Buffer, secrets: readonly string[], final: boolean): number {
  const end = final ? bytes.length : wholeCharsEnd(bytes, bytes.length - secretPrefixAtEnd(bytes, secrets));
  return outsideSecrets(bytes, end, secrets);
}

/** The bytes as text for a person, every secret replaced. */
export function logText(bytes: Buffer, secrets: readonly string[]): string {
  return redact(bytes.toString('utf8'), secrets);
}
