// JupyterHub's ByteSpecification: an integer number of bytes, or a number with a K, M, G or T suffix (powers of 1024).
import { z } from 'zod';

const UNITS: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

export function parseByteSpecification(value: number | string): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw new Error(`${value} is not a whole number of bytes`);
    return value;
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGT])?\s*$/i.exec(value);
  if (!match) throw new Error(`"${value}" is not a byte size; use a number optionally followed by K, M, G or T (e.g. 512M, 4G)`);
  const unit = match[2]?.toUpperCase();
  return Math.floor(Number(match[1]) * (unit ? (UNITS[unit] ?? 1) : 1));
}

/** A ByteSpecification setting (mem_limit, req_memory…), checked by parseByteSpecification. */
export const ByteSpecification = z.union([z.number().int().nonnegative(), z.string()]).superRefine((value, ctx) => {
  try {
    parseByteSpecification(value);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});
