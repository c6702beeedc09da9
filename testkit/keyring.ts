// A private Secret Service for tests: gnome-keyring on a D-Bus session of its own, under a throw-away HOME, so no
// test ever reads or writes the developer's own keyring.
//
// One fact shapes how tests use it: libdbus reads DBUS_SESSION_BUS_ADDRESS once per process, on the first keychain
// call, and keeps that address for the life of the process. Changing process.env afterwards has no effect. A test
// that needs another keyring, or none at all, therefore runs its keychain code in a fresh child process
// (runTsInChild) with the environment from `keyring.env()` or `noKeyringEnv()`.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findOnPath } from '../electron/core/config/find-on-path.js';
import { endInput } from './child-input.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const READY_WITHIN_MS = 10_000;
const PASSWORD = 'hubtray-test-keyring';
const INSTALL_HINT = 'install them with: sudo apt-get install --no-install-recommends gnome-keyring libsecret-tools dbus';

export interface KeyringOptions {
  /** false starts a D-Bus session with no Secret Service on it. */
  secretService?: boolean;
  /** The login keyring exists but stays locked, as when a desktop session never unlocked it. Needs secretService. */
  locked?: boolean;
  /** Told at once when the keyring or its bus ends before stop() (see PrivateKeyring.endedEarly). */
  onEndedEarly?: (why: string) => void;
}

export interface PrivateKeyring {
  /** Holds the daemons' HOME, XDG_RUNTIME_DIR and the bus socket; removed by stop(). */
  dir: string;
  /** DBUS_SESSION_BUS_ADDRESS of this keyring's session. */
  address: string;
  /** `base` (default: this process's environment) pointed at this keyring, for a child process. */
  env(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /**
   * Why the keyring or its bus ended before stop() was called (which process, exit code or signal, when, the tail
   * of its standard error), or undefined while both run. Every keychain call fails after such an end, so a run
   * that shares one keyring reports this once instead of leaving dozens of "not reachable" failures unexplained.
   */
  endedEarly(): string | undefined;
  stop(): Promise<void>;
}

export async function startKeyring(options: KeyringOptions = {}): Promise<PrivateKeyring> {
  requireTools();
  const dir = await mkdtemp(join(tmpdir(), 'hubtray-keyring-'));
  const socket = join(dir, 'bus');
  const address = `unix:path=${socket}`;
  const home = await prepareHome(dir);
  const env = { ...home, DBUS_SESSION_BUS_ADDRESS: address };
  await writeFile(join(dir, 'bus.conf'), busConfig(socket));

  // dbus-run-session ends the bus when its program ends. The program is `cat` reading our pipe, so the bus goes
  // away even when this process dies without a teardown; gnome-keyring then exits because it lost its bus.
  const session = track(spawn('dbus-run-session', [`--config-file=${join(dir, 'bus.conf')}`, '--', 'cat'], { env: home, stdio: ['pipe', 'ignore', 'pipe'] }));
  let keyring: Tracked | undefined;
  let stopping = false;
  let ended: string | undefined;
  const watch = (tracked: Tracked): void => {
    // 'close', not 'exit': by then its standard error has been read to the end.
    tracked.child.once('close', (code, signal) => {
      if (stopping || ended !== undefined || (tracked !== keyring && tracked !== session)) return;
      ended = `${tracked.name} (pid ${tracked.child.pid}) exited at ${new Date().toISOString()} with ${signal ?? `code ${code}`}. ${tracked.stderr().trim()}`;
      options.onEndedEarly?.(ended);
    });
  };
  watch(session);
  const stop = async (): Promise<void> => {
    stopping = true;
    if (keyring) await terminate(keyring, () => keyring?.child.kill('SIGTERM'));
    await terminate(session, () => endInput(session.child));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await until(async () => existsSync(socket), [session], 'the D-Bus session did not start');
    if (options.secretService !== false) {
      keyring = startKeyringDaemon(env, PASSWORD);
      watch(keyring);
      await until(() => secretServiceWorks(env), [session, keyring], 'the Secret Service did not become usable');
    }
    if (keyring && options.locked) {
      // The first daemon created the login keyring; the second one cannot unlock it.
      const first = keyring;
      keyring = undefined;
      await terminate(first, () => first.child.kill('SIGTERM'));
      keyring = startKeyringDaemon(env, `not-${PASSWORD}`);
      watch(keyring);
      await until(() => secretServiceOnBus(env), [session, keyring], 'the locked Secret Service did not start');
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { dir, address, env: (base = process.env) => withBus(base, address), endedEarly: () => ended, stop };
}

/** An environment whose D-Bus session address leads nowhere, as on a machine without a desktop session. */
export function noKeyringEnv(dir: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return withBus(base, `unix:path=${join(dir, 'no-such-bus')}`);
}

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a TypeScript module in a fresh Node process (through Vite's module runner, as vitest itself does), so that
 * its keychain calls see `env`'s D-Bus address. `args` arrive in the module as process.argv.slice(2).
 */
export function runTsInChild(modulePath: string, env: NodeJS.ProcessEnv, args: string[] = []): Promise<ChildResult> {
  const runner = "const { runnerImport } = await import('vite'); await runnerImport(process.argv[1], { configFile: false, logLevel: 'error' });";
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', runner, modulePath, ...args], { cwd: repoRoot, env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function withBus(base: NodeJS.ProcessEnv, address: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, DBUS_SESSION_BUS_ADDRESS: address };
  // Without a display, a keyring that wants to prompt fails at once instead of waiting for a click.
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  return env;
}

function requireTools(): void {
  const missing = ['dbus-run-session', 'dbus-daemon', 'dbus-send', 'gnome-keyring-daemon', 'secret-tool'].filter((tool) => findOnPath(tool) === null);
  if (missing.length > 0) {
    throw new Error(`The tests run a private gnome-keyring (Secret Service) on a private D-Bus session, but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not installed; ${INSTALL_HINT}`);
  }
}

async function prepareHome(dir: string): Promise<NodeJS.ProcessEnv> {
  const home = join(dir, 'home');
  const runtime = join(dir, 'run');
  await mkdir(join(home, '.local', 'share'), { recursive: true });
  await mkdir(runtime, { mode: 0o700 });
  // Built from scratch rather than from process.env, so that nothing of the developer's session leaks in.
  return {
    PATH: process.env.PATH,
    HOME: home,
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_RUNTIME_DIR: runtime,
    LANG: 'C.UTF-8',
  };
}

// No <servicedir>: nothing can be D-Bus-activated, so a second gnome-keyring (or a prompter) never starts behind
// our back on a lookup that comes before the daemon has claimed its name.
function busConfig(socket: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;
}

interface Tracked {
  child: ChildProcess;
  name: string;
  stderr: () => string;
  exited: Promise<void>;
}

function track(child: ChildProcess): Tracked {
  let stderr = '';
  // Only the tail is kept: it explains a failure, and gnome-keyring may keep warning for as long as it runs.
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      stderr += `${error.message}\n`;
      resolve();
    });
  });
  return { child, name: child.spawnfile, stderr: () => stderr, exited };
}

function alive(tracked: Tracked): boolean {
  return tracked.child.exitCode === null && tracked.child.signalCode === null && tracked.child.pid !== undefined;
}

async function terminate(tracked: Tracked, politely: () => void): Promise<void> {
  if (!alive(tracked)) return;
  politely();
  const timer = setTimeout(() => tracked.child.kill('SIGKILL'), 3_000);
  await tracked.exited;
  clearTimeout(timer);
}

function startKeyringDaemon(env: NodeJS.ProcessEnv, password: string): Tracked {
  const daemon = track(spawn('gnome-keyring-daemon', ['--unlock', '--components=secrets', '--foreground'], { env, stdio: ['pipe', 'ignore', 'pipe'] }));
  // --unlock reads the password up to the end of input: a trailing newline would become part of it.
  endInput(daemon.child, password);
  return daemon;
}

async function until(ready: () => Promise<boolean>, watched: Tracked[], failure: string): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS;
  for (;;) {
    const dead = watched.find((tracked) => !alive(tracked));
    if (dead) throw new Error(`${failure}: ${dead.name} exited early. ${dead.stderr().trim()}`);
    if (await ready()) return;
    if (Date.now() > deadline) {
      throw new Error(`${failure} within ${READY_WITHIN_MS / 1000} s. ${watched.map((t) => `${t.name}: ${t.stderr().trim()}`).join(' ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// A full store-and-lookup through secret-tool, not through this process's own libdbus, whose bus address may
// already be fixed to another session.
async function secretServiceWorks(env: NodeJS.ProcessEnv): Promise<boolean> {
  const attributes = ['service', 'hubtray-fixture', 'account', 'ready'];
  const stored = await run('secret-tool', ['store', '--label=hubtray fixture check', ...attributes], env, 'ok');
  if (stored === null) return false;
  const found = await run('secret-tool', ['lookup', ...attributes], env);
  await run('secret-tool', ['clear', ...attributes], env);
  return found === 'ok';
}

async function secretServiceOnBus(env: NodeJS.ProcessEnv): Promise<boolean> {
  const reply = await run('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets'], env);
  return reply?.includes('boolean true') ?? false;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<string | null> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { env, timeout: 2_000 }, (error, stdout) => resolve(error ? null : stdout));
    endInput(child, input);
  });
}
