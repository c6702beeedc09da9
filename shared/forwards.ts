// What a forward of a server's further port is called and may be, for config.json's extra_forwards and the contract's
// forward/unforward alike, so that both refuse the same things with the same words.
import { z } from 'zod';

/** A label starts with a letter, so that `hubtray unforward NAME 8787` can only mean a remote port. */
export const ForwardName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9._-]{0,31}$/, 'a forward name is 1-32 letters, digits, ".", "_" or "-", starting with a letter');

export const RemotePort = z
  .number()
  .int('must be a whole number, between 1 and 65535')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

/** 0: a free port, chosen when the forward first opens and kept for the server's life. */
export const LocalPort = z
  .number()
  .int('must be a whole number: 0 for a free port, or between 1 and 65535')
  .min(0, 'must be 0 for a free port, or between 1 and 65535')
  .max(65535, 'must be 0 for a free port, or between 1 and 65535');

/** The label a forward gets when none is given: `port-8787`. */
export function defaultForwardName(remotePort: number): string {
  return `port-${remotePort}`;
}

/** Why a set of forwards cannot stand together (two of one name, of one remote port, of one fixed local port), or null. */
export function forwardClash(forwards: ReadonlyArray<{ name: string; remotePort: number; localPort?: number }>): string | null {
  const seen = { name: new Set<string>(), remote: new Set<number>(), local: new Set<number>() };
  for (const f of forwards) {
    if (seen.name.has(f.name)) return `two forwards are named "${f.name}"; each needs a name of its own`;
    if (seen.remote.has(f.remotePort)) return `remote port ${f.remotePort} is forwarded twice; one forward per remote port`;
    if (f.localPort && seen.local.has(f.localPort)) return `local port ${f.localPort} is given to two forwards; give each its own, or 0 for a free one`;
    seen.name.add(f.name);
    seen.remote.add(f.remotePort);
    if (f.localPort) seen.local.add(f.localPort);
  }
  return null;
}
