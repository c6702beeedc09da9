// The UI's files are served from renderer/dist only, whatever the URL says.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readUiFile, resolveUiFile } from '../../electron/core/boundary/static-ui.js';

describe('static UI files', () => {
  const root = '/srv/ui';
  it('maps / to index.html and known types to their files', () => {
    expect(resolveUiFile(root, '/')).toEqual({ file: '/srv/ui/index.html', type: 'text/html; charset=utf-8' });
    expect(resolveUiFile(root, '/assets/index-x.js')).toEqual({ file: '/srv/ui/assets/index-x.js', type: 'text/javascript; charset=utf-8' });
  });

  it('refuses paths that leave the folder, NULs, bad escapes and unknown types', () => {
    for (const path of ['/../package.json', '/assets/../../etc/passwd.js', '/%2e%2e/x.js', '/x%00.js', '/%E0%A4%A.js', '/README', '/x.json']) {
      expect(resolveUiFile(root, path), path).toBeNull();
    }
  });

  it('says how to build the UI when it is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'hubtray-ui-'));
    try {
      await expect(readUiFile(empty, '/')).rejects.toThrow(/the UI is not built .*npm run build/);
      await expect(readUiFile(empty, '/assets/gone.js')).rejects.toThrow('no such page /assets/gone.js');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
