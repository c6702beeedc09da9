// Crash-safe file replacement: readers see the old file or the new one, never a torn write. The data goes to a
// temporary file in the same folder (rename is only atomic within one file system), is flushed to disk, and then
// renamed over the target. Writes to one file are queued, so a slow write never lands after a later one.
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

const queues = new Map<string, Promise<void>>();

export function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const target = path.resolve(file);
  const write = (queues.get(target) ?? Promise.resolve()).then(() => replace(target, data, mode));
  const settled = write.catch(() => undefined);
  queues.set(target, settled);
  void settled.then(() => {
    if (queues.get(target) === settled) queues.delete(target);
  });
  return write;
}

export function writeJsonAtomic(file: string, value: unknown, mode = 0o600): Promise<void> {
  return writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, mode);
}

async function replace(target: string, data: string | Uint8Array, mode: number): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      // The umask may have narrowed the creation mode; the file must end up with exactly `mode`.
      await handle.chmod(mode);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncFolder(dir);
}

// Makes the rename itself durable. Windows cannot open a folder for syncing, and there it is not needed.
async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
