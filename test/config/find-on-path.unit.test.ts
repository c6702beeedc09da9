import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findOnPath } from '../../electron/core/config/find-on-path.js';

describe('findOnPath', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hubtray-path-'));
    for (const sub of ['a', 'b', 'c']) await mkdir(join(dir, sub));
    await writeFile(join(dir, 'a', 'jupyter'), '#!/bin/sh\n'); // not executable
    await mkdir(join(dir, 'b', 'jupyter')); // a folder, not a command
    await writeFile(join(dir, 'c', 'jupyter'), '#!/bin/sh\n');
    await chmod(join(dir, 'c', 'jupyter'), 0o755);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('finds the first executable file on PATH', () => {
    const PATH = ['', join(dir, 'a'), join(dir, 'b'), join(dir, 'c')].join(':');
    expect(findOnPath('jupyter', { PATH }, 'linux')).toBe(join(dir, 'c', 'jupyter'));
  });

  it('returns null when there is none', () => {
    expect(findOnPath('jupyter', { PATH: join(dir, 'a') }, 'linux')).toBeNull();
    expect(findOnPath('jupyter', {}, 'linux')).toBeNull();
  });
});
