// A hub killed with SIGKILL while servers run, then started again, re-attaches: it polls them, rebuilds the tunnel
// on the same local port, and shows them running, without restarting or duplicating any remote server.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { localJupyter, makeHome, runCli, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';
import { pidAlive } from '../fixtures/hub-harness.js';

interface Listed {
  name: string;
  status: string;
  url: string | null;
  tunnel: { state: string; localPort?: number };
}

let sshd: Sshd;
let client: ClientConfig;
let home: string;
let serve: ServeProcess | undefined;

beforeAll(async () => {
  sshd = await startSshd();
  client = await writeClientConfig([{ alias: 'lab', sshd }], { trust: true });
  process.env.HUBTRAY_SSH_CONFIG = client.configPath;
  home = makeHome({
    systems: { lab: { kind: 'ssh', host: 'lab', cmd: ['/usr/bin/jupyter', 'server'], args: ['--allow-root'] }, here: localJupyter },
  });
});

afterAll(async () => {
  // The stops may fail (no serve, a stale build): everything below is stopped all the same, then the failure said.
  const stopped = Promise.all([runCli(home, ['stop', 'remote', '--now']), runCli(home, ['stop', 'local', '--now'])]).then(
    () => null,
    (error: unknown) => error,
  );
  const failure = await stopped;
  await serve?.stop('SIGTERM');
  await sshd?.stop();
  await client?.cleanup();
  rmSync(home, { recursive: true, force: true });
  delete process.env.HUBTRAY_SSH_CONFIG;
  if (failure) throw failure;
});

function pids(): Record<string, number> {
  const state = JSON.parse(readFileSync(join(home, 'state.json'), 'utf8'));
  return Object.fromEntries(Object.entries(state.servers).map(([name, r]) => [name, (r as { spawnerState: { pid: number } }).spawnerState.pid]));
}

async function list(): Promise<Listed[]> {
  const result = await runCli(home, ['list', '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Listed[];
}

async function answers(url: string): Promise<number> {
  const res = await request(url);
  await res.body.dump();
  return res.statusCode;
}

describe('re-attach after SIGKILL', () => {
  it('finds both servers running, on the same local ports, with the same processes', async () => {
    serve = await startServe(home);
    for (const [system, name] of [['lab', 'remote'], ['here', 'local']]) {
      const started = await runCli(home, ['start', system!, '--name', name!, '--json']);
      expect(started.code, started.stderr).toBe(0);
    }
    const before = await list();
    const beforePids = pids();
    const remoteBefore = before.find((s) => s.name === 'remote')!;
    expect(remoteBefore.tunnel.state).toBe('connected');

    expect(await serve.stop('SIGKILL')).toBeNull();
    // The servers outlive the hub; only the tunnel died with it.
    for (const pid of Object.values(beforePids)) expect(pidAlive(pid)).toBe(true);

    serve = await startServe(home);
    const after = await list();
    expect(after.map((s) => [s.name, s.status]).sort()).toEqual([
      ['local', 'running'],
      ['remote', 'running'],
    ]);
    const remoteAfter = after.find((s) => s.name === 'remote')!;
    expect(remoteAfter.tunnel.localPort).toBe(remoteBefore.tunnel.localPort);
    expect(remoteAfter.url).toBe(remoteBefore.url);
    expect(pids()).toEqual(beforePids);

    // The old URL works again: the token was kept in the keychain, the tunnel is back on its port.
    const opened = await runCli(home, ['open', 'remote', '--print']);
    expect(opened.code, opened.stderr).toBe(0);
    const url = opened.stdout.trim().split('\n').pop()!;
    expect(url.startsWith(remoteBefore.url!)).toBe(true);
    const token = new URL(url).searchParams.get('token');
    const status = await request(new URL('api/status', remoteAfter.url!), { headers: { authorization: `token ${token}` } });
    expect(status.statusCode).toBe(200);
    await status.body.dump();
    expect(await answers(new URL('api/status', after.find((s) => s.name === 'local')!.url!).toString())).toBe(403);

    // No duplicate was started on the host: still exactly one Jupyter per server.
    expect(Object.keys(pids())).toHaveLength(2);
  });
});
