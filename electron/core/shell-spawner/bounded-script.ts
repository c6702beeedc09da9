// A read-only script for a host, bounded there: in time by coreutils' timeout (where the host has it), in output by
// head, so a slow or chatty host costs a few seconds and a few KiB whatever it does.
import { shellQuote } from '../ssh/shell-quote.js';

export function boundedScript(body: string, seconds: number, maxBytes: number): string {
  const bounded = `if command -v timeout >/dev/null 2>&1; then timeout -k 1 ${seconds} sh -c ${shellQuote(body)}; else sh -c ${shellQuote(body)}; fi`;
  return `{ ${bounded}; } 2>/dev/null | head -c ${maxBytes}\n`;
}
