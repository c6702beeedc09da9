// The README's keychain set-up on a machine without a desktop, as a new user meets it: a shell with nothing but
// PATH and HOME (no D-Bus session, no keyring, no login keyring yet), build/headless-keyring.sh run through eval,
// then `hubtray serve` and `hubtray secret set` against the keyring it started. Also what goes wrong for people: a
// second run in another shell, a wrong password, a locked keyring that already holds the bus name, and no keyring
// at all (the advice hubtray gives then names the script).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { endInput } from '../../testkit/child-input.js';
import { cliPath } from '../fixtures/hubtray-process.js';
import { requireFreshBuild } from '../../testkit/build-freshness.js';

const script = fileURLToPath(new URL('../../build/headless-keyring.sh', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'hubtray-headless-'));
const home = join(root, 'home');
mkdirSync(home);
/** What `env -i PATH=… HOME=…` leaves: no D-Bus session, no display, no XDG_RUNTIME_DIR. */
const clean: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home };
/** Every process a test here started, by PID, stopped in afterAll if still alive. */
const started = new Set<number>();

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
    endInput(child, input);
  });
}

/** The README's own line, `eval "$(build/headless-keyring.sh)"`, in a shell; prints what it exported. */
function evalScript(env: NodeJS.ProcessEnv, password: string): Promise<Result> {
  return run('bash', ['-c', `eval "$("$0")" && env | grep -E '^(DBUS_SESSION_BUS_ADDRESS|DBUS_SESSION_BUS_PID|GNOME_KEYRING_PID)=' | sort`, script], env, password);
}

function exported(stdout: string): Record<string, string> {
  const values = Object.fromEntries(stdout.trim().split('\n').filter(Boolean).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  for (const name of ['DBUS_SESSION_BUS_PID', 'GNOME_KEYRING_PID']) {
    // Never 0 or less: process.kill(0) would signal this whole process group.
    const pid = Number(values[name]);
    if (Number.isInteger(pid) && pid > 0) started.add(pid);
  }
  return values;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie has exited; only its parent (not this process) can reap it.
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/^\d+ \(.*\) [ZX]/.test(stat);
}

async function stopPid(pid: number): Promise<void> {
  if (!(pid > 0) || !alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 5_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

/** Whether something owns the Secret Service's name on the session (asked without activating anything). */
async function secretsOwned(env: NodeJS.ProcessEnv): Promise<boolean> {
  const reply = await run('dbus-send', ['--session', '--print-reply=literal', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets'], env);
  return /\btrue$/.test(reply.stdout.trim());
}

afterAll(async () => {
  // Keyrings before the buses they sit on.
  for (const pid of [...started].reverse()) await stopPid(pid);
  rmSync(root, { recursive: true, force: true });
});

describe('the README’s keychain set-up on a machine without a desktop', () => {
  let env: NodeJS.ProcessEnv = clean;
  let keyringPid = 0;

  it('starts a D-Bus session and a login keyring from a clean environment, and hubtray keeps a secret in it', async () => {
    requireFreshBuild();
    const first = await evalScript(clean, 'correct horse\n');
    expect(first.code, first.stderr).toBe(0);
    const values = exported(first.stdout);
    expect(values.DBUS_SESSION_BUS_ADDRESS, `${first.stdout}${first.stderr}`).toMatch(/^unix:/);
    expect(Number(values.DBUS_SESSION_BUS_PID)).toBeGreaterThan(0);
    keyringPid = Number(values.GNOME_KEYRING_PID);
    expect(alive(keyringPid)).toBe(true);
    expect(existsSync(join(home, '.local', 'share', 'keyrings', 'login.keyring'))).toBe(true);
    expect(first.stderr).toMatch(/started a D-Bus session \(dbus-daemon, pid \d+\)/);
    expect(first.stderr).toContain(`started gnome-keyring-daemon (pid ${keyringPid})`);
    env = { ...clean, DBUS_SESSION_BUS_ADDRESS: values.DBUS_SESSION_BUS_ADDRESS };

    const hubHome = join(root, 'hubtray');
    const serve: ChildProcess = spawn(process.execPath, [cliPath, 'serve'], { env: { ...env, HUBTRAY_HOME: hubHome }, stdio: ['ignore', 'pipe', 'pipe'] });
    started.add(serve.pid as number);
    let output = '';
    serve.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    serve.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => serve.once('exit', resolve));
    try {
      await expect.poll(() => output, { timeout: 30_000 }).toMatch(/is serving at/);
      const stored = await run(process.execPath, [cliPath, 'secret', 'set', 'headless-check'], { ...env, HUBTRAY_HOME: hubHome }, 'kept\n');
      expect(stored.code, stored.stderr).toBe(0);
      expect(stored.stderr).toBe('stored headless-check in the keychain\n');
    } finally {
      serve.kill('SIGTERM');
      await exited;
    }
    // In the keyring the script started, not in any other: asked straight through the Secret Service.
    const found = await run('secret-tool', ['search', '--all', 'service', 'hubtray'], env);
    expect(found.stdout + found.stderr).toMatch(/headless-check/);
    expect(found.stdout).toMatch(/secret = kept$/m);
  });

  it('starts nothing in a second shell where the unlocked keyring already answers, and prints the same lines', async () => {
    const again = await evalScript(env, '');
    expect(again.code, again.stderr).toBe(0);
    const values = exported(again.stdout);
    expect(values).toEqual({ DBUS_SESSION_BUS_ADDRESS: env.DBUS_SESSION_BUS_ADDRESS, GNOME_KEYRING_PID: String(keyringPid) });
    expect(again.stderr).toContain(`a Secret Service (pid ${keyringPid}) already answers on this D-Bus session, its login keyring unlocked: started nothing`);
  });

  it('refuses a wrong password for the existing login keyring, and leaves no daemon behind', async () => {
    await stopPid(keyringPid);
    await expect.poll(() => secretsOwned(env)).toBe(false);
    const wrong = await run(script, [], env, 'battery staple');
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toContain(`the password does not unlock the login keyring in ${join(home, '.local', 'share', 'keyrings', 'login.keyring')}`);
    expect(await secretsOwned(env)).toBe(false);
  });

  it('refuses to start a second daemon beside a locked one that holds the bus name, and says which PID to stop', async () => {
    // As a desktop-less login leaves it: a gnome-keyring whose login keyring stayed locked.
    const locked = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], { env, stdio: ['pipe', 'ignore', 'ignore'] });
    started.add(locked.pid as number);
    endInput(locked, 'not the password');
    await expect.poll(() => secretsOwned(env)).toBe(true);
    const refused = await run(script, [], env, 'correct horse');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`a Secret Service (pid ${locked.pid}) already answers on this D-Bus session, but its login keyring is locked`);
    expect(refused.stderr).toContain(`kill ${locked.pid}`);
    expect(alive(locked.pid as number)).toBe(true);
    await stopPid(locked.pid as number);
    // Once it is stopped, the same command works.
    const fixed = await evalScript(env, 'correct horse');
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(alive(Number(exported(fixed.stdout).GNOME_KEYRING_PID))).toBe(true);
  });

  it('names the script in hubtray’s advice when there is no keyring at all', async () => {
    const bare = await run(process.execPath, [cliPath, 'serve'], { ...clean, HUBTRAY_HOME: join(root, 'bare') });
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain('hubtray keeps secrets in the Secret Service (gnome-keyring or KeePassXC), and it is not reachable');
    expect(bare.stderr).toContain('eval "$(build/headless-keyring.sh)"');
    expect(bare.stderr).not.toContain('gnome-keyring-daemon --start');
  });
});
