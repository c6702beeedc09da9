// Whether a tray icon can show, asked of a private D-Bus session (no desktop's own bus is touched): with nothing
// owning org.kde.StatusNotifierWatcher, as under GNOME without the AppIndicator extension; with a process owning it,
// as with the extension (the owner is a stand-in: a python-dbus process that only holds the name, which is all the
// check asks about); and with no bus at all. Then what hubtray tells the user in each case.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingTrayAdvice, statusNotifierWatcher, WATCHER_NAME } from '../../electron/core/desktop/tray-presence.js';
import { endInput } from '../../testkit/child-input.js';
import { noKeyringEnv, startKeyring, type PrivateKeyring } from '../../testkit/keyring.js';

let bus: PrivateKeyring;
let owner: ChildProcess | undefined;

beforeAll(async () => {
  bus = await startKeyring({ secretService: false });
});

afterAll(async () => {
  if (owner && owner.exitCode === null) owner.kill('SIGKILL');
  await bus?.stop();
});

/** Holds the watcher's name on `env`'s bus until its standard input ends; resolves once it holds it. */
function watcherNameOwnerStandIn(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const script = `import dbus, sys\nbus = dbus.SessionBus()\nbus.request_name(${JSON.stringify(WATCHER_NAME)})\nprint("owned", flush=True)\nsys.stdin.read()\n`;
  const child = spawn('/usr/bin/python3', ['-c', script], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('owned') && resolve(child));
    child.once('exit', (code) => reject(new Error(`the name owner exited (${code}): ${stderr}`)));
  });
}

describe('the StatusNotifierWatcher on the session bus', () => {
  it('is missing when nothing owns its name, present while a process does, missing again once it has gone', async () => {
    const env = bus.env();
    expect(await statusNotifierWatcher(env)).toBe('missing');
    owner = await watcherNameOwnerStandIn(env);
    expect(await statusNotifierWatcher(env)).toBe('present');
    const exited = new Promise((resolve) => owner?.once('exit', resolve));
    endInput(owner);
    await exited;
    await expect.poll(() => statusNotifierWatcher(env)).toBe('missing');
  });

  it('is unknown where there is no session bus to ask', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hubtray-nobus-'));
    try {
      expect(await statusNotifierWatcher(noKeyringEnv(dir))).toBe('unknown');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('what hubtray tells about a missing tray', () => {
  it('tells GNOME users how to get one, and no one else', () => {
    for (const desktop of ['GNOME', 'ubuntu:GNOME', 'GNOME-Classic:GNOME']) {
      expect(missingTrayAdvice(desktop, 'missing')).toMatch(/^GNOME shows no tray icons by itself, so hubtray keeps its window open .*gnome-shell-extension-appindicator/);
    }
    expect(missingTrayAdvice('ubuntu:GNOME', 'present')).toBeNull();
    // Unknown is not missing: a bus that cannot be asked says nothing about the tray.
    expect(missingTrayAdvice('GNOME', 'unknown')).toBeNull();
    // Other desktops fall back to the XEmbed tray that they still have.
    expect(missingTrayAdvice('XFCE', 'missing')).toBeNull();
    expect(missingTrayAdvice(undefined, 'missing')).toBeNull();
  });
});
