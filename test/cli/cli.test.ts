// The `hubtray` CLI end to end: `hubtray serve` as a real process on a temporary HUBTRAY_HOME, a real Hub inside
// it, and Debian's Jupyter server as the local system.
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keychain } from '../../electron/core/secrets/keychain.js';
import { apiTokenKey } from '../../electron/core/boundary/registration.js';
import { localJupyter, makeHome, runCli, startCli, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';

const noHub = 'No hubtray is running. Start the tray app, or run `hubtray serve` on a machine without a desktop.';

const home = makeHome({
  systems: {
    here: localJupyter,
    // Starts, but never answers HTTP: a start that stays pending until cancelled.
    silent: { kind: 'local', cmd: ['/bin/sh', '-c', 'exec sleep 600', 'sh'], start_timeout: 120 },
    broken: { kind: 'local', cmd: ['/nonexistent/jupyter'], options_form: { fields: [{ name: 'note', type: 'text' }] } },
  },
});
let serve: ServeProcess;

beforeAll(async () => {
  serve = await startServe(home);
});

afterAll(async () => {
  // Servers outlive the hub by design; the tests stop what they started.
  const listed = await runCli(home, ['list', '--json']);
  if (listed.code === 0) {
    for (const server of JSON.parse(listed.stdout) as { name: string; status: string }[]) {
      if (server.status === 'running' || server.status === 'starting') await runCli(home, ['stop', server.name, '--now']);
    }
  }
  await serve?.stop();
  rmSync(home, { recursive: true, force: true });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
}

describe('hubtray serve', () => {
  it('registers in hub.json (mode 0600, no token) and keeps its token in the keychain only', async () => {
    const discovery = join(home, 'hub.json');
    expect(statSync(discovery).mode & 0o777).toBe(0o600);
    const registration = JSON.parse(readFileSync(discovery, 'utf8')) as Record<string, unknown>;
    expect(registration).toEqual({ url: serve.url, pid: serve.pid, version: expect.any(String) });
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const token = await new Keychain().get(apiTokenKey(home));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const file of filesUnder(home)) expect(readFileSync(file, 'utf8'), file).not.toContain(token);
    expect(serve.output().stdout).toContain(serve.url);
    expect(serve.output().stdout).toContain(join(home, 'config.json'));
    // The token is printed once, for a person, in the UI address's fragment (browsers never send a fragment), and nowhere else.
    const uiLine = `UI: ${serve.url}/#token=${token}\n`;
    expect(serve.output().stdout).toContain(uiLine);
    expect(serve.output().stdout.replace(uiLine, '') + serve.output().stderr).not.toContain(token);
  });

  it('refuses to run twice on the same home', async () => {
    const second = await runCli(home, ['serve']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`hubtray is already running (pid ${serve.pid})`);
  });
});

describe('hubtray commands against a running hub', () => {
  it('systems --json lists the configured systems', async () => {
    const result = await runCli(home, ['systems', '--json']);
    expect(result.code).toBe(0);
    const systems = JSON.parse(result.stdout) as { name: string; kind: string }[];
    expect(systems.map((s) => s.name).sort()).toEqual(['broken', 'here', 'silent']);
    expect(systems.find((s) => s.name === 'here')?.kind).toBe('local');
    const human = await runCli(home, ['systems']);
    expect(human.stdout).toMatch(/^NAME\s+KIND/);
  });

  it('starts a real Jupyter server, prints its authenticated URL, lists, logs and stops it', async () => {
    const started = await runCli(home, ['start', 'here', '--name', 'lab', '--json']);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout.trim().split('\n')).toHaveLength(1);
    const line = JSON.parse(started.stdout) as { name: string; system: string; status: string; url: string };
    expect(line).toMatchObject({ name: 'lab', system: 'here', status: 'running' });
    // Not a TTY: progress comes as plain lines on stderr.
    expect(started.stderr).toMatch(/^\[\s*\d+%\] /m);

    const url = new URL(line.url);
    const jupyterToken = url.searchParams.get('token');
    expect(jupyterToken).toBeTruthy();
    expect(started.stderr).not.toContain(jupyterToken);
    const status = await fetch(new URL('/api/status', url.origin), { headers: { authorization: `token ${jupyterToken}` } });
    expect(status.status).toBe(200);
    const anonymous = await fetch(new URL('/api/status', url.origin));
    expect(anonymous.status).toBe(403);

    const listed = await runCli(home, ['list', '--json']);
    expect(listed.code).toBe(0);
    const lab = (JSON.parse(listed.stdout) as Record<string, unknown>[]).find((s) => s.name === 'lab');
    expect(lab).toMatchObject({ name: 'lab', system: 'here', status: 'running', url: expect.any(String), tunnel: expect.any(Object) });
    expect(JSON.stringify(lab)).not.toContain(jupyterToken);
    const table = await runCli(home, ['list']);
    expect(table.stdout).toMatch(/^NAME\s+SYSTEM\s+STATUS\s+UPTIME\s+TUNNEL\s+URL$/m);
    expect(table.stdout).toMatch(/^lab\s+here\s+running\s+\d+s\s+-\s+http/m);

    const opened = await runCli(home, ['open', 'lab', '--print']);
    expect(opened.code).toBe(0);
    expect(opened.stdout.trim()).toBe(line.url);

    const logs = await runCli(home, ['logs', 'lab']);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/Jupyter Server/);

    const stopped = await runCli(home, ['stop', 'lab']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toMatch(/^lab: stopped/);
    const after = JSON.parse((await runCli(home, ['list', '--json'])).stdout) as { name: string; status: string }[];
    expect(after.find((s) => s.name === 'lab')?.status).toBe('stopped');
    await expect(fetch(new URL('/api/status', url.origin))).rejects.toThrow();
  });

  it('exits 1 with the reason when a start fails, after sending -o options as form data', async () => {
    const result = await runCli(home, ['start', 'broken', '--name', 'doomed', '-o', 'note=a;b $(x)']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^hubtray: doomed failed: .+/m);
    const systems = JSON.parse((await runCli(home, ['systems', '--json'])).stdout) as { name: string; lastOptions: unknown }[];
    expect(systems.find((s) => s.name === 'broken')?.lastOptions).toEqual({ note: 'a;b $(x)' });
  });

  it('forgets an ended server, and refuses one that is not known', async () => {
    expect((await runCli(home, ['start', 'broken', '--name', 'ended'])).code).toBe(1);
    const forgot = await runCli(home, ['forget', 'ended']);
    expect(forgot.code, forgot.stderr).toBe(0);
    expect(forgot.stdout).toBe('ended: forgotten\n');
    const listed = JSON.parse((await runCli(home, ['list', '--json'])).stdout) as { name: string }[];
    expect(listed.map((s) => s.name)).not.toContain('ended');
    const again = await runCli(home, ['forget', 'ended']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('hubtray: no server named "ended"\n');
  });

  it('cancels the start on Ctrl-C and exits 130', async () => {
    const running = startCli(home, ['start', 'silent', '--name', 'pending']);
    let stderr = '';
    running.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 20_000;
    while (!/%\]/.test(stderr) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    running.child.kill('SIGINT');
    const result = await running.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('cancelled the start of pending');
    const deadline2 = Date.now() + 20_000;
    let status = '';
    while (status !== 'cancelled' && Date.now() < deadline2) {
      const servers = JSON.parse((await runCli(home, ['list', '--json'])).stdout) as { name: string; status: string }[];
      status = servers.find((s) => s.name === 'pending')?.status ?? '';
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe('cancelled');
  });

  it('reports hub errors with their message and exit code 1, never a stack', async () => {
    const result = await runCli(home, ['stop', 'nobody']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('hubtray: no server named "nobody"\n');
  });

  it('stores a secret read from stdin, trailing newline stripped, and deletes it', async () => {
    const value = 'pa$$ word;`rm -rf /`';
    const set = await runCli(home, ['secret', 'set', 'cli-test-key'], `${value}\n`);
    expect(set.code, set.stderr).toBe(0);
    expect(await new Keychain().get('cli-test-key')).toBe(value);
    expect(set.stdout + set.stderr).not.toContain(value);
    const empty = await runCli(home, ['secret', 'set', 'cli-test-key'], '');
    expect(empty.code).toBe(1);
    const deleted = await runCli(home, ['secret', 'delete', 'cli-test-key']);
    expect(deleted.code).toBe(0);
    expect(deleted.stderr).toBe('deleted cli-test-key\n');
    expect(await new Keychain().get('cli-test-key')).toBeNull();
    expect((await runCli(home, ['secret', 'delete', 'cli-test-key'])).stderr).toBe('cli-test-key was not set\n');
  });

  it('refuses to overwrite an entry hubtray keeps for itself, and says why', async () => {
    const key = 'outpost-flavors-token/https://outpost.example/api';
    await new Keychain().set(key, 'the-outposts-own');
    try {
      const set = await runCli(home, ['secret', 'set', key], 'overwritten\n');
      expect(set.code).toBe(1);
      expect(set.stderr).toBe(`hubtray: "${key}" is one of hubtray's own entries (outpost-flavors-token/…), which it creates and deletes by itself; it cannot be set or deleted by hand\n`);
      expect((await runCli(home, ['secret', 'delete', key])).code).toBe(1);
      expect(await new Keychain().get(key)).toBe('the-outposts-own');
    } finally {
      await new Keychain().delete(key);
    }
  });
});

describe('hubtray command lines', () => {
  it('exits 2 with the usage for bad command lines', async () => {
    for (const args of [[], ['frobnicate'], ['start'], ['forget'], ['start', 'here', '--bogus'], ['start', 'here', '-o', 'novalue'], ['secret', 'show', 'k'], ['serve', '--port', 'x']]) {
      const result = await runCli(home, args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(/usage/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    const help = await runCli(home, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('hubtray start SYSTEM');
  });

  it('says how to start a hub when none runs', async () => {
    const empty = makeHome({});
    try {
      const result = await runCli(empty, ['list']);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`hubtray: ${noHub}\n`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('two hubtray serve started at once', () => {
  it('lets exactly one run; the other says which one and exits 1', async () => {
    const contested = makeHome({ systems: { here: localJupyter } });
    const both = [startCli(contested, ['serve']), startCli(contested, ['serve'])];
    try {
      const [loser] = await Promise.race(both.map((run) => run.done.then((result) => [run, result] as const)));
      const loserResult = await loser.done;
      const winner = both.find((run) => run !== loser)!;
      expect(loserResult.code).toBe(1);
      expect(loserResult.stderr).toBe(`hubtray: hubtray is already running (pid ${winner.child.pid}) for ${contested}; if pid ${winner.child.pid} is not hubtray, delete ${join(contested, 'hub.lock')}\n`);
      // The winner registers and serves as if alone.
      const deadline = Date.now() + 30_000;
      while (!readdirSync(contested).includes('hub.json') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(JSON.parse(readFileSync(join(contested, 'hub.json'), 'utf8')).pid).toBe(winner.child.pid);
      expect((await runCli(contested, ['list'])).code).toBe(0);
      winner.child.kill('SIGTERM');
      expect((await winner.done).code).toBe(0);
    } finally {
      for (const run of both) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
      rmSync(contested, { recursive: true, force: true });
    }
  });
});

describe('hubtray serve shutdown', () => {
  it('removes hub.json and its token on SIGTERM, replaces a stale hub.json, and shuts down on SIGINT too', async () => {
    const other = makeHome({ systems: { here: localJupyter } });
    try {
      const first = await startServe(other);
      expect(await first.stop('SIGKILL')).toBeNull();
      // The SIGKILLed hub left its registration and its lock behind; a new one replaces both.
      expect(readFileSync(join(other, 'hub.lock'), 'utf8')).toBe(`${first.pid}\n`);
      const second = await startServe(other);
      expect(readFileSync(join(other, 'hub.lock'), 'utf8')).toBe(`${second.pid}\n`);
      expect(second.pid).not.toBe(first.pid);
      expect((await runCli(other, ['list', '--json'])).code).toBe(0);
      expect(await second.stop('SIGINT')).toBe(0);
      expect(readdirSync(other)).not.toContain('hub.json');
      expect(readdirSync(other)).not.toContain('hub.lock');
      expect(await new Keychain().get(apiTokenKey(other))).toBeNull();
      const after = await runCli(other, ['list']);
      expect(after.stderr).toContain(noHub);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
