// Proof that a secret did not land in a file: every file under a folder, searched as raw bytes.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The files under `dir` (recursively) whose bytes contain `needle`. */
export async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    // An atomic write's temp file may be renamed away between the listing and the read; its bytes live on in the
    // file it became, which the listing also holds.
    const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return Buffer.alloc(0);
      throw error;
    });
    if (bytes.includes(Buffer.from(needle))) hits.push(file);
  }
  return hits;
}

/** Every file under `dir`, recursively, as paths relative to it. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
}
