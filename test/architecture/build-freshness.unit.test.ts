// The check that integration tests run on before they use dist/: it names the first source newer than its build.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { staleBuild } from '../../testkit/build-freshness.js';

describe('build freshness', () => {
  let tree: string;
  const write = (file: string, secondsAgo: number) => {
    mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
    writeFileSync(path.join(tree, file), '');
    const at = Date.now() / 1000 - secondsAgo;
    utimesSync(path.join(tree, file), at, at);
  };
  beforeEach(() => {
    tree = mkdtempSync(path.join(tmpdir(), 'hubtray-build-'));
    write('electron/core/hub/hub.ts', 60);
    write('shared/api.ts', 60);
    write('renderer/src/app.tsx', 60);
    write('renderer/index.html', 60);
    write('dist/electron/core/hub/hub.js', 30);
    write('dist/shared/api.js', 30);
    write('renderer/dist/index.html', 30);
    write('dist/cli/hubtray.js', 30);
  });
  afterEach(() => rmSync(tree, { recursive: true, force: true }));

  it('passes a build newer than every source', () => {
    expect(staleBuild(tree)).toBeNull();
  });

  it('names a source changed after its build', () => {
    write('electron/core/hub/hub.ts', 0);
    expect(staleBuild(tree)).toBe('electron/core/hub/hub.ts → dist/electron/core/hub/hub.js');
  });

  it('names a source that was never built', () => {
    write('electron/core/hub/new-part.ts', 90);
    expect(staleBuild(tree)).toBe('electron/core/hub/new-part.ts → dist/electron/core/hub/new-part.js');
  });

  it('names a source changed after the CLI was bundled', () => {
    write('dist/electron/core/hub/hub.js', 0);
    write('electron/core/hub/hub.ts', 10);
    expect(staleBuild(tree)).toBe('electron/core/hub/hub.ts → dist/cli/hubtray.js');
  });

  it('names a renderer source changed after the UI was built', () => {
    write('renderer/src/app.tsx', 0);
    expect(staleBuild(tree)).toBe('renderer/src/app.tsx → renderer/dist/index.html');
  });
});
