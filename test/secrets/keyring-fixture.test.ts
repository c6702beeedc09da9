// The private keyring fixture itself: a clear message when its tools are missing, and nothing left after stop().
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startKeyring } from '../fixtures/keyring.js';

describe('the keyring fixture', () => {
  it('says what to install when gnome-keyring is missing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'hubtray-empty-path-'));
    const saved = process.env.PATH;
    // The tools are looked up synchronously, before startKeyring's first await, so PATH is restored at once.
    process.env.PATH = empty;
    const started = startKeyring();
    process.env.PATH = saved;
    await expect(started).rejects.toThrow(/gnome-keyring-daemon, secret-tool are not installed; install them with: sudo apt-get install .*gnome-keyring libsecret-tools dbus/);
    await rm(empty, { recursive: true });
  });

  it('removes its folder, socket included, on stop', async () => {
    const keyring = await startKeyring();
    expect(existsSync(join(keyring.dir, 'bus'))).toBe(true);
    await keyring.stop();
    expect(existsSync(keyring.dir)).toBe(false);
  });
});
