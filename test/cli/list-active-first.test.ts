// `hubtray list` as a person reads it after a day's work: a running lab, a start still pending, and servers that
// failed or were cancelled. The live ones come first; ended ones only with --all, under them; URLs stay whole.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localJupyter, makeHome, runCli, startCli, startServe, type RunningCli, type ServeProcess } from '../fixtures/hubtray-process.js';

const home = makeHome({
  systems: {
    here: localJupyter,
    // Starts, but never answers HTTP: a start that stays pending until cancelled.
    silent: { kind: 'local', cmd: ['/bin/sh', '-c', 'exec sleep 600', 'sh'], start_timeout: 120 },
    broken: { kind: 'local', cmd: ['/nonexistent/jupyter'] },
  },
});
let serve: ServeProcess;
let pending: RunningCli | undefined;

interface Listed {
  name: string;
  status: string;
  url?: string;
}

async function listed(): Promise<Listed[]> {
  return JSON.parse((await runCli(home, ['list', '--json'])).stdout) as Listed[];
}

beforeAll(async () => {
  serve = await startServe(home);
});

afterAll(async () => {
  pending?.child.kill('SIGKILL');
  for (const server of await listed().catch(() => [])) {
    if (server.status === 'running' || server.status === 'starting') await runCli(home, ['stop', server.name, '--now']);
  }
  await serve?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe('hubtray list with live and ended servers', () => {
  it('shows running and starting servers first, ended ones only with --all and under them, URLs unwrapped', async () => {
    // Ended first, so that the hub's own order would put them on top.
    expect((await runCli(home, ['start', 'broken', '--name', 'crashed'])).code).toBe(1);
    pending = startCli(home, ['start', 'silent', '--name', 'given-up']);
    await expect.poll(async () => (await listed()).find((s) => s.name === 'given-up')?.status).toBe('starting');
    expect((await runCli(home, ['cancel', 'given-up'])).code).toBe(0);
    await pending.done;
    pending = startCli(home, ['start', 'silent', '--name', 'queued']);
    await expect.poll(async () => (await listed()).find((s) => s.name === 'queued')?.status).toBe('starting');
    const started = await runCli(home, ['start', 'here', '--name', 'lab']);
    expect(started.code, started.stderr).toBe(0);

    const servers = await listed();
    expect(servers.map((s) => [s.name, s.status]).sort()).toEqual([
      ['crashed', 'failed'],
      ['given-up', 'cancelled'],
      ['lab', 'running'],
      ['queued', 'starting'],
    ]);
    const url = servers.find((s) => s.name === 'lab')?.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);

    const plain = await runCli(home, ['list']);
    expect(plain.code).toBe(0);
    const plainLines = plain.stdout.trimEnd().split('\n');
    expect(plainLines[0]).toMatch(/^NAME\s+SYSTEM\s+STATUS\s+UPTIME\s+TUNNEL\s+URL$/);
    expect(plainLines.slice(1, 3).map((line) => line.split(/\s+/)[0]).sort()).toEqual(['lab', 'queued']);
    expect(plainLines[3]).toBe('2 ended servers not shown; `hubtray list --all` lists them.');
    expect(plainLines).toHaveLength(4);
    // The URL is the row's last column, whole, on the row's own line.
    expect(plainLines.find((line) => line.startsWith('lab '))?.endsWith(` ${url}`)).toBe(true);

    const all = await runCli(home, ['list', '--all']);
    const allLines = all.stdout.trimEnd().split('\n');
    expect(allLines).toHaveLength(5);
    const statuses = allLines.slice(1).map((line) => line.split(/\s+/)[2]);
    expect(statuses.slice(0, 2).sort()).toEqual(['running', 'starting']);
    expect(statuses.slice(2).sort()).toEqual(['cancelled', 'failed']);

    // With nothing live left, the plain list still says where the ended ones are.
    expect((await runCli(home, ['stop', 'lab', '--now'])).code).toBe(0);
    expect((await runCli(home, ['cancel', 'queued'])).code).toBe(0);
    await pending.done;
    pending = undefined;
    expect((await runCli(home, ['list'])).stdout).toBe('No running or starting servers. 4 ended servers not shown; `hubtray list --all` lists them.\n');
  });
});
