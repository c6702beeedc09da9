// A forward outlives its hub: `hubtray serve` SIGKILLed (a crash, a logout) while a server has a forward added at run
// time; the next hub re-attaches the server and opens the forward again on the same local port, so an open dashboard
// tab carries on; a stop then ends it. Against a real sshd and a remote http.server. Covers: SIGKILL of the hub.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerInfo } from '../../shared/api.js';
import { startSshd, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { makeHome, runCli, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';
import { removeHome } from '../fixtures/hub-harness.js';
import { fetchMarker, startRemoteListener, type RemoteListener } from '../fixtures/remote-listener.js';

let sshd: Sshd;
let client: ClientConfig;
let home: string;
let serve: ServeProcess | undefined;
let board: RemoteListener;
const env = () => ({ HUBTRAY_SSH_CONFIG: client.configPath });

beforeAll(async () => {
  [sshd, board] = await Promise.all([startSshd(), startRemoteListener('tensorboard')]);
  client = await writeClientConfig([{ alias: 'lab', sshd }], { trust: true });
  home = makeHome({ systems: { lab: { kind: 'ssh', host: 'lab', cmd: ['/usr/bin/jupyter', 'server'], args: ['--allow-root'] } } });
});

afterAll(async () => {
  await runCli(home, ['stop', 'board', '--now']).catch(() => undefined);
  await serve?.stop('SIGTERM');
  await Promise.all([sshd?.stop(), board?.stop()]);
  await client?.cleanup();
  if (home) removeHome(home);
});

async function forwardOf(): Promise<ServerInfo['forwards']> {
  const listed = await runCli(home, ['list', '--json']);
  return (JSON.parse(listed.stdout) as ServerInfo[]).find((s) => s.name === 'board')?.forwards;
}

describe('a forward across a SIGKILLed hub', () => {
  it('is opened again on the same local port by the next hub, and ends with the server', { timeout: 120_000 }, async () => {
    serve = await startServe(home, [], env());
    expect((await runCli(home, ['start', 'lab', '--name', 'board'])).code).toBe(0);
    const forwarded = await runCli(home, ['forward', 'board', String(board.port)]);
    expect(forwarded.code, forwarded.stderr).toBe(0);
    const url = (await forwardOf())?.[0]?.url ?? '';
    expect(await fetchMarker(url)).toBe('tensorboard');

    expect(await serve.stop('SIGKILL')).toBeNull();
    // The listener died with its process: only a re-attach can bring the port back.
    expect(await fetchMarker(url)).toBeNull();
    serve = await startServe(home, [], env());
    await expect.poll(() => fetchMarker(url), { timeout: 30_000, interval: 250 }).toBe('tensorboard');
    expect((await forwardOf())?.[0]).toMatchObject({ name: `port-${board.port}`, url, origin: 'added', health: { state: 'connected' } });

    expect((await runCli(home, ['stop', 'board', '--now'])).code).toBe(0);
    expect(await fetchMarker(url)).toBeNull();
    // An added forward ends with its server: a start of the same name does not bring it back.
    const ended = (JSON.parse((await runCli(home, ['list', '--all', '--json'])).stdout) as ServerInfo[]).find((s) => s.name === 'board');
    expect(ended?.status).toBe('stopped');
    expect(ended?.forwards).toBeUndefined();
  });
});
