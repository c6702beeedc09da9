// Writers for a StateStore under test: the real atomic writer, counted, and able to fail the way a disk does.
import { writeFileAtomic } from '../../electron/core/state/atomic-file.js';
import type { WriteFile } from '../../electron/core/state/state-store.js';

export interface TestWriter {
  write: WriteFile;
  /** What each write that reached disk wrote, in order. */
  written: string[];
  /** Every attempt, including those that failed. */
  attempts: number;
  /** Most writes ever in flight at once. */
  mostInFlight: number;
  /** While set, every attempt fails with this errno code, as fs would. */
  failWith: string | null;
  /** While set, attempts wait for it before writing. */
  gate: Promise<void> | null;
}

export function testWriter(): TestWriter {
  let inFlight = 0;
  const writer: TestWriter = {
    written: [],
    attempts: 0,
    mostInFlight: 0,
    failWith: null,
    gate: null,
    write: async (file, data) => {
      writer.attempts++;
      writer.mostInFlight = Math.max(writer.mostInFlight, ++inFlight);
      try {
        await writer.gate;
        if (writer.failWith) throw errno(writer.failWith);
        await writeFileAtomic(file, data);
        writer.written.push(data);
      } finally {
        inFlight--;
      }
    },
  };
  return writer;
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: something failed, write`), { code });
}

export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
