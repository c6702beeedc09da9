// A disk that tests can fill, for real: a tmpfs of a few KiB or MiB mounted on a fresh folder (root only). Where
// mounting is not allowed, `unmountable` says why, for the test's skip reason.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, statfs, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SmallDisk {
  dir: string;
  /** Why the disk could not be mounted, or null when it is mounted. */
  unmountable: string | null;
  /** Writes a filler file until the disk has no free block left. */
  fill(): Promise<void>;
  /** Removes the filler: the disk has room again. */
  free(): Promise<void>;
  /** Removes everything on the disk but leaves it mounted. */
  empty(): Promise<void>;
  /** Unmounts the disk and removes its folder. */
  remove(): Promise<void>;
}

export async function mountSmallDisk(sizeKiB: number): Promise<SmallDisk> {
  const dir = await mkdtemp(join(tmpdir(), 'hubtray-small-disk-'));
  const filler = join(dir, 'filler');
  let unmountable: string | null = null;
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0700`, 'tmpfs', dir]);
  } catch (error) {
    const detail = ((error as { stderr?: string }).stderr || String(error)).trim().split('\n')[0];
    unmountable = `cannot mount a ${sizeKiB} KiB tmpfs to fill (${detail})`;
  }
  return {
    dir,
    unmountable,
    async fill() {
      const tooMuch = Buffer.alloc((sizeKiB + 64) * 1024, 1);
      const error = await writeFile(filler, tooMuch).then(
        () => new Error(`the ${sizeKiB} KiB disk took ${tooMuch.length} bytes`),
        (e: NodeJS.ErrnoException) => (e.code === 'ENOSPC' ? null : e),
      );
      if (error) throw error;
      if ((await statfs(dir)).bavail !== 0) throw new Error(`the disk at ${dir} still has free blocks after filling`);
    },
    free: () => unlink(filler),
    async empty() {
      for (const name of await readdir(dir)) await rm(join(dir, name), { recursive: true, force: true });
    },
    async remove() {
      if (unmountable === null) await run('umount', [dir]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
