import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeJsonAtomic } from '../../electron/core/state/atomic-file.js';

describe('atomic file writes', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hubtray-atomic-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lands every one of many concurrent writes in call order, mode 0600, with no temporary file left', async () => {
    const file = join(dir, 'state.json');
    const seen: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        writeJsonAtomic(file, { i, padding: 'x'.repeat(10_000 * (i % 5)) }).then(async () => {
          seen.push(JSON.parse(await readFile(file, 'utf8')).i);
        }),
      ),
    );
    expect(JSON.parse(await readFile(file, 'utf8')).i).toBe(49);
    // Each write resolved only once it was on disk, and never after a later one.
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('replaces a wider-permission file with a 0600 one', async () => {
    const file = join(dir, 'hub.json');
    await writeFile(file, 'old', { mode: 0o644 });
    await writeFileAtomic(file, 'new');
    expect(await readFile(file, 'utf8')).toBe('new');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('fails without leaving a temporary file, keeps the old content, and does not block later writes', async () => {
    const file = join(dir, 'target');
    await mkdir(file);
    await expect(writeFileAtomic(file, 'cannot replace a folder')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['target']);
    await rm(file, { recursive: true });
    await writeFileAtomic(file, 'fine');
    expect(await readFile(file, 'utf8')).toBe('fine');
    expect(await readdir(dir)).toEqual(['target']);
  });

  it('reports a missing folder', async () => {
    await expect(writeFileAtomic(join(dir, 'missing', 'f.json'), '{}')).rejects.toThrow(/ENOENT/);
  });
});
