// `hubtray stop NAME` asks first when the server's kernels are running code, as the window does (issue 14, item 7):
// against a real `hubtray serve` and Debian's Jupyter server, with an ipykernel in `time.sleep` (a long cell a
// researcher left running). On a terminal (a real pty, from util-linux's `script`) it asks "[y/N]"; from a script
// (no terminal) it refuses at once, naming --force, instead of blocking; an idle kernel stops unasked.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HubClient } from '../../electron/core/api-client/client.js';
import { connectHub } from '../../electron/core/api-client/connect.js';
import { KernelChannels, startKernel } from '../../testkit/jupyter-kernel.js';
import { cliPath, localJupyter, makeHome, runCli, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';

const home = makeHome({ systems: { here: localJupyter } });
let serve: ServeProcess;
let hub: HubClient;
const channels: KernelChannels[] = [];

beforeAll(async () => {
  serve = await startServe(home);
  hub = await connectHub({ home });
}, 60_000);

afterAll(async () => {
  for (const kernel of channels) kernel.close();
  for (const name of ['busy', 'calm']) await runCli(home, ['stop', name, '--now', '--force']).catch(() => undefined);
  await hub?.close();
  await serve?.stop();
  rmSync(home, { recursive: true, force: true });
});

async function status(name: string): Promise<string | undefined> {
  return (await hub.listServers({})).find((s) => s.name === name)?.status;
}

/** Starts a server with a kernel in it; `code`, when given, keeps that kernel busy. */
async function serverWithKernel(name: string, code?: string): Promise<void> {
  const started = await runCli(home, ['start', 'here', '--name', name]);
  expect(started.code, started.stderr).toBe(0);
  const opened = new URL((await hub.open({ name })).url);
  const kernel = await startKernel(new URL('/', opened), opened.searchParams.get('token') ?? '');
  channels.push(kernel.channels);
  if (code) await kernel.channels.begin(code);
  await vi.waitFor(async () => expect((await hub.kernels({ name })).busy).toBe(code ? 1 : 0), { timeout: 30_000, interval: 200 });
}

/** `hubtray stop ARGS` on a pseudo-terminal; `answer` is typed once the question shows. */
function stopOnTerminal(args: string[], answer: string): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, cliPath, 'stop', ...args].map((word) => `'${word}'`).join(' ');
  const child = spawn('script', ['-qefc', command, '/dev/null'], { env: { ...process.env, HUBTRAY_HOME: home }, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let answered = false;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (!answered && output.includes('[y/N]')) {
      answered = true;
      child.stdin.write(`${answer}\r`);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => child.once('exit', (code) => (clearTimeout(timer), resolve({ code, output }))));
}

describe('hubtray stop asks when kernels are busy, never otherwise', () => {
  beforeAll(() => serverWithKernel('busy', 'import time\ntime.sleep(600)'), 240_000);

  it('1. without a terminal it refuses at once, saying why first and naming --force; the server keeps running', async () => {
    const refused = await runCli(home, ['stop', 'busy']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'hubtray: busy was not stopped: A kernel is running code right now. Stopping busy ends it: what is not saved is lost.\n' +
        'To stop it anyway: hubtray stop busy --force\n',
    );
    expect(await status('busy')).toBe('running');
  });

  it('2. on a terminal it asks; "n" keeps the server, "y" stops it', async () => {
    const kept = await stopOnTerminal(['busy'], 'n');
    expect(kept.output).toContain('A kernel is running code right now. Stopping busy ends it: what is not saved is lost. Stop anyway? [y/N]');
    expect(kept.code).toBe(1);
    expect(await status('busy')).toBe('running');
    const stopped = await stopOnTerminal(['busy', '--now'], 'y');
    expect(stopped.code, stopped.output).toBe(0);
    expect(stopped.output).toContain('busy: stopped');
  }, 60_000);

  it('3. an idle kernel stops at once, unasked, without a terminal', async () => {
    await serverWithKernel('calm');
    const stopped = await runCli(home, ['stop', 'calm']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toBe('calm: stopped (stopped by the user)\n');
  }, 240_000);
});
