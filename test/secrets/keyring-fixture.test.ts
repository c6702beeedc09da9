// The private keyring fixture itself: a clear message when its tools are missing, and nothing left after stop().
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startKeyring } from '../../testkit/keyring.js';

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

  it('says which process ended, and how, when its keyring dies during a run (a SIGKILL here)', async () => {
    let told = '';
    const keyring = await startKeyring({ onEndedEarly: (why) => (told = why) });
    try {
      expect(keyring.endedEarly()).toBeUndefined();
      const reply = execFileSync('dbus-send', ['--session', '--print-reply=literal', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.GetConnectionUnixProcessID', 'string:org.freedesktop.secrets'], { env: keyring.env(), encoding: 'utf8' });
      const pid = Number(reply.trim().split(/\s+/).pop());
      expect(pid).toBeGreaterThan(1);
      process.kill(pid, 'SIGKILL');
      await expect.poll(() => keyring.endedEarly()).toMatch(new RegExp(`^gnome-keyring-daemon \\(pid ${pid}\\) exited at \\S+ with SIGKILL`));
      expect(told).toBe(keyring.endedEarly());
    } finally {
      await keyring.stop();
    }
  });
});
