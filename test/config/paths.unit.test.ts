import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureHubHome, hubPaths, hubtrayHome } from '../../electron/core/config/paths.js';

describe('hubtrayHome', () => {
  it('is HUBTRAY_HOME when set, made absolute', () => {
    expect(hubtrayHome({ HUBTRAY_HOME: '/srv/ht' }, 'linux', '/home/u')).toBe('/srv/ht');
    expect(hubtrayHome({ HUBTRAY_HOME: 'rel' }, 'linux', '/home/u')).toBe(join(process.cwd(), 'rel'));
  });

  it('is Electron’s userData folder for an app named hubtray otherwise', () => {
    expect(hubtrayHome({}, 'linux', '/home/u')).toBe('/home/u/.config/hubtray');
    expect(hubtrayHome({ HUBTRAY_HOME: '' }, 'linux', '/home/u')).toBe('/home/u/.config/hubtray');
    expect(hubtrayHome({ XDG_CONFIG_HOME: '/x/cfg' }, 'linux', '/home/u')).toBe('/x/cfg/hubtray');
    expect(hubtrayHome({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/hubtray');
    expect(hubtrayHome({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Roaming\\hubtray');
  });
});

describe('hubPaths and ensureHubHome', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hubtray-paths-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('names the files under the home', () => {
    expect(hubPaths('/h')).toEqual({ home: '/h', config: '/h/config.json', state: '/h/state.json', discovery: '/h/hub.json', logs: '/h/logs' });
  });

  it('creates the home and its logs folder private to the user, tightening one that exists', async () => {
    const fresh = hubPaths(join(dir, 'new', 'hubtray'));
    await ensureHubHome(fresh);
    expect((await stat(fresh.home)).mode & 0o777).toBe(0o700);
    expect((await stat(fresh.logs)).mode & 0o777).toBe(0o700);

    const existing = hubPaths(join(dir, 'old'));
    await mkdir(existing.home, { mode: 0o755 });
    await ensureHubHome(existing);
    expect((await stat(existing.home)).mode & 0o777).toBe(0o700);
  });
});
