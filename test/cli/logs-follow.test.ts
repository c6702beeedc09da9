// `hubtray logs NAME --follow` against a real Jupyter server started through `hubtray serve`: the log shows as it
// grows (a request Jupyter logs appears while following), the server's token never, and the follow ends when the
// server does. A big log is followed from its newest part, with "load earlier" reaching back to its first line, and
// a log truncated on the host is shown from its start again, saying so.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_CHUNK_BYTES, type LogChunk } from '../../shared/api.js';
import { connectHub } from '../../electron/core/api-client/connect.js';
import type { HubClient } from '../../electron/core/api-client/client.js';
import { cliPath, localJupyter, makeHome, runCli, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';

const PREAMBLE_LINES = 5000;
const home = makeHome({
  systems: {
    here: localJupyter,
    // Jupyter after a log of some 300 KB: numbered lines, so that what is shown can be checked line by line.
    chatty: {
      kind: 'local',
      cmd: ['/bin/sh', '-c', `awk 'BEGIN { for (i = 0; i < ${PREAMBLE_LINES}; i++) printf "preamble %05d ${'.'.repeat(50)}\\n", i }'; exec /usr/bin/jupyter server "$@"`, 'sh'],
      args: ['--allow-root'],
    },
  },
});
let serve: ServeProcess;
let client: HubClient;
const followers: ChildProcess[] = [];

beforeAll(async () => {
  serve = await startServe(home);
  client = await connectHub({ home });
});

afterAll(async () => {
  for (const child of followers) if (child.exitCode === null) child.kill('SIGKILL');
  await client?.close();
  for (const name of ['lab', 'chatty']) await runCli(home, ['stop', name, '--now']).catch(() => undefined);
  await serve?.stop();
  rmSync(home, { recursive: true, force: true });
});

/** `hubtray logs NAME --follow`, its output read as it comes. */
function followCli(name: string) {
  const child = spawn(process.execPath, [cliPath, 'logs', name, '--follow'], { env: { ...process.env, HUBTRAY_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  followers.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { stdout: () => stdout, stderr: () => stderr, exited };
}

async function start(system: string, name: string): Promise<void> {
  const started = await runCli(home, ['start', system, '--name', name]);
  expect(started.code, started.stderr).toBe(0);
}

describe('hubtray logs --follow', () => {
  it('streams a real Jupyter’s log as it grows, without its token, until the server stops', async () => {
    await start('here', 'lab');
    const follow = followCli('lab');
    await expect.poll(() => follow.stdout()).toMatch(/Jupyter Server .* is running at/);

    // A request Jupyter logs (a 404 is logged at WARNING), made while following.
    const [server] = (JSON.parse((await runCli(home, ['list', '--json'])).stdout) as { name: string; url: string }[]).filter((s) => s.name === 'lab');
    const probe = `hubtray-follow-probe-${Date.now()}`;
    await fetch(new URL(`api/${probe}`, server?.url)).catch(() => undefined);
    await expect.poll(() => follow.stdout()).toContain(probe);

    const token = new URL((await client.open({ name: 'lab' })).url).searchParams.get('token');
    expect(token).toMatch(/^.{16,}$/);
    expect(follow.stdout()).not.toContain(token);

    expect((await runCli(home, ['stop', 'lab'])).code).toBe(0);
    expect(await follow.exited).toBe(0);
    expect(follow.stderr()).toContain('hubtray: lab: the server has ended; its log will not grow any more');
  });

  it('says which server it does not know, with the exit code of an error', async () => {
    const follow = followCli('nosuchserver');
    expect(await follow.exited).toBe(1);
    expect(follow.stderr()).toBe('hubtray: no server named "nosuchserver"\n');
  });
});

describe('a big log, followed through the local API', () => {
  it('shows its newest part first, loads earlier parts back to the first line, and restarts when truncated', async () => {
    await start('chatty', 'chatty');
    const chunks: LogChunk[] = [];
    const leave = await client.followLog('chatty', (chunk) => chunks.push(chunk));
    await expect.poll(() => chunks.length).toBeGreaterThan(0);
    const first = chunks[0] as LogChunk;
    expect(first.from).toBeGreaterThan(0);
    expect(first.to - first.from).toBeLessThanOrEqual(LOG_CHUNK_BYTES);
    expect(first.text).toContain('Jupyter Server');

    let text = first.text;
    for (let before = first.from; before > 0; ) {
      const earlier = await client.earlierLog({ name: 'chatty', before });
      expect(earlier.to).toBe(before);
      text = earlier.text + text;
      before = earlier.from;
    }
    const preamble = text.split('\n').filter((line) => line.startsWith('preamble '));
    expect(preamble).toHaveLength(PREAMBLE_LINES);
    expect(preamble.map((line) => Number(line.split(' ')[1]))).toEqual(Array.from({ length: PREAMBLE_LINES }, (_, i) => i));

    // Emptied on the host (as logrotate's copytruncate does): shown from its start again.
    const runDir = readdirSync(join(home, 'run')).find((entry) => entry.startsWith('chatty-')) as string;
    truncateSync(join(home, 'run', runDir, 'log'), 0);
    await expect.poll(() => chunks.find((c) => c.note?.includes('truncated'))).toMatchObject({ from: 0 });
    await leave();
  });
});
