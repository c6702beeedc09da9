// The system's OpenSSH as hubtray's transport (ssh_transport "openssh", or "auto" for a host whose config needs it),
// against a real sshd: commands, local and remote forwards through hubtray's own master, a reconnect on the same
// local port after sshd restarts, a passphrase asked through SSH_ASKPASS, the master stopped by PID with the pool,
// and nothing secret on any process's command line.
import { execFile } from 'node:child_process';
import { appendFile, readdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { SshHost } from '../../electron/core/kinds/ssh/ssh-host.js';
import { SshError } from '../../electron/core/ssh/ssh-error.js';
import { descendantProcesses } from '../../testkit/process-tree.js';
import { startSshd, sshTarget, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { answer } from './doubles.js';
import { closeTestPools, testPool } from './test-pool.js';

const run = promisify(execFile);
const openssh = (host: string) => sshTarget(host, { transport: 'openssh' });
const passphrase = 'correct horse battery staple';

let sshd: Sshd;
let config: ClientConfig;
let echo: net.Server;
let echoPort: number;
let lockedKey: string;

/** Sends `text` on a fresh connection to 127.0.0.1:port and resolves with what comes back before the other side ends. */
function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let got = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (got += chunk));
    socket.on('end', () => resolve(got));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.end(text);
  });
}

const masters = async () => (await descendantProcesses()).filter(({ argv }) => argv.includes('-M') && argv.some((arg) => arg.includes('/ssh/cm-')));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  sshd = await startSshd();
  lockedKey = path.join(sshd.dir, 'locked_key');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'locked', '-f', lockedKey]);
  // sshd reads the authorized keys at each login.
  await appendFile(path.join(sshd.dir, 'authorized_keys', 'root'), await readFile(`${lockedKey}.pub`, 'utf8'));
  config = await writeClientConfig(
    [
      { alias: 'box', sshd },
      { alias: 'locked', sshd, identityFile: lockedKey },
      { alias: 'kerberised', sshd, extra: ['GSSAPIAuthentication yes'] },
    ],
    { trust: true },
  );
  echo = net.createServer({ allowHalfOpen: true }, (socket) => {
    let got = '';
    socket.on('data', (chunk) => (got += chunk.toString()));
    socket.on('end', () => socket.end(`echo: ${got}`));
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as net.AddressInfo).port;
});

afterEach(closeTestPools);
afterAll(async () => {
  await new Promise((resolve) => echo?.close(resolve));
  await config?.cleanup();
  await sshd?.stop();
});

describe('ssh_transport "openssh"', () => {
  test('runs commands through the master: stdout, stderr, stdin and the exit status, as the user the config names', async () => {
    const { pool } = testPool(config);
    const target = openssh('box');
    await expect(pool.exec(target, 'echo out; echo err >&2; exit 3')).resolves.toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    await expect(pool.exec(target, 'tr a-z A-Z', { stdin: 'through stdin' })).resolves.toMatchObject({ code: 0, stdout: 'THROUGH STDIN' });
    await expect(pool.remoteUser(target)).resolves.toBe('root');
    // Every command went through one master: one login in sshd's log.
    expect((await masters()).length).toBe(1);
    // The system asked for OpenSSH: a start's events need not say so.
    expect(pool.transportNote(target)).toBeUndefined();
  });

  test('a local forward keeps its port, and works again after sshd restarts', async () => {
    const { pool } = testPool(config);
    const forward = await pool.forwardLocal(openssh('box'), { host: '127.0.0.1', port: echoPort });
    await expect(roundTrip(forward.localPort, 'one')).resolves.toBe('echo: one');
    const [before] = await masters();
    await sshd.restart();
    await expect.poll(() => roundTrip(forward.localPort, 'two').catch(() => ''), { timeout: 20_000 }).toBe('echo: two');
    expect(forward.health()).toMatchObject({ state: 'connected', localPort: forward.localPort });
    const after = await masters();
    expect(after).toHaveLength(1);
    expect(after[0]?.pid).not.toBe(before?.pid);
    await forward.close();
  });

  test('a remote forward leads from the server back to a port here', async () => {
    const { pool } = testPool(config);
    const forward = await pool.forwardRemote(openssh('box'), { host: '127.0.0.1', port: 0 }, { host: '127.0.0.1', port: echoPort });
    expect(forward.remotePort).toBeGreaterThan(0);
    // The sshd runs on this machine, so the port it listens on is reachable here.
    await expect(roundTrip(forward.remotePort, 'back')).resolves.toBe('echo: back');
    await forward.close();
    // OpenSSH's master sends the cancel without asking for a reply, so sshd may hold the port a moment longer; a
    // connection in that moment is reset, as nothing here takes it. Then the port is closed.
    const after = () => roundTrip(forward.remotePort, 'gone').then((answer) => answer, (err: Error) => err.message);
    await expect.poll(after, { timeout: 5_000 }).toMatch(/ECONNREFUSED/);
  });

  test("asks for a key's passphrase through SSH_ASKPASS, and no secret is on any process's command line", async () => {
    let seen: Awaited<ReturnType<typeof descendantProcesses>> = [];
    const { pool, prompter } = testPool(config, {
      script: [
        async () => {
          // While OpenSSH waits for the answer: its master, the askpass helper and whatever they started.
          seen = await descendantProcesses();
          return answer(passphrase);
        },
      ],
    });
    await expect(pool.exec(openssh('locked'), 'echo in')).resolves.toMatchObject({ stdout: 'in\n' });
    expect(prompter.asked).toMatchObject([{ kind: 'passphrase', questions: [{ text: expect.stringContaining(lockedKey), echo: false }] }]);
    const master = seen.find(({ argv }) => argv.includes('-M'));
    const token = /HUBTRAY_ASKPASS_TOKEN=([0-9a-f]+)/.exec(master?.env ?? '')?.[1];
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(seen.some(({ argv }) => argv.some((arg) => arg.endsWith('/askpass.sh')))).toBe(true);
    const everyArgv = [...seen, ...(await descendantProcesses())].flatMap(({ argv }) => argv).join('\n');
    expect(everyArgv).not.toContain(passphrase);
    expect(everyArgv).not.toContain(token);
  });

  test("records a new host's key on first use, as hubtray's own client does", async () => {
    const fresh = await writeClientConfig([{ alias: 'box', sshd }]);
    try {
      const { pool, prompter } = testPool(fresh);
      await expect(pool.exec(openssh('box'), 'echo first')).resolves.toMatchObject({ stdout: 'first\n' });
      expect(prompter.asked).toEqual([]);
      expect(await readFile(fresh.knownHostsPath, 'utf8')).toContain(sshd.hostKeyPub);
    } finally {
      await closeTestPools();
      await fresh.cleanup();
    }
  });

  test('a refused login says so first, then what OpenSSH said; it needs the user, so the link does not retry it', async () => {
    const { pool, prompter } = testPool(config, { script: [answer('wrong'), answer('wrong'), answer('wrong')] });
    const error = await pool.exec(openssh('locked'), 'true').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SshError);
    expect(error).toMatchObject({
      code: 'auth',
      needsUser: true,
      message: expect.stringMatching(/^root@127\.0\.0\.1:\d+: the login was refused: the system's OpenSSH exited with status 255; it said: root@127\.0\.0\.1: Permission denied \(publickey\)\.$/),
    });
    expect(prompter.asked.map(({ kind }) => kind)).toEqual(['passphrase', 'passphrase', 'passphrase']);
  });

  test('the master is stopped by PID when the pool closes, and its control socket removed', async () => {
    const { pool } = testPool(config);
    await pool.exec(openssh('box'), 'true');
    const [master] = await masters();
    expect(master).toBeDefined();
    const socket = master?.argv[master.argv.indexOf('-S') + 1] ?? '';
    await expect(readdir(path.dirname(socket))).resolves.toContain(path.basename(socket));
    await pool.close();
    expect(alive(master?.pid ?? 0)).toBe(false);
    await expect(readdir(path.dirname(socket))).resolves.not.toContain(path.basename(socket));
  });
});

test('a changed host key is refused with both fingerprints and the line to fix, and not retried', async () => {
  const moved = await startSshd();
  const movedConfig = await writeClientConfig([{ alias: 'moved', sshd: moved }], { trust: true });
  try {
    const fingerprint = async () => (await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(moved.dir, 'ssh_host_ed25519_key.pub')])).stdout.split(' ')[1];
    const before = await fingerprint();
    await moved.restart({ newHostKey: true });
    const error = await testPool(movedConfig).pool.exec(openssh('moved'), 'true').catch((err: unknown) => err);
    expect(error).toMatchObject({
      code: 'host-key-changed',
      needsUser: true,
      message: expect.stringMatching(new RegExp(`^root@127\\.0\\.0\\.1:${moved.port}: the host key of \\[127\\.0\\.0\\.1\\]:${moved.port} is not the one on record; the server now shows (\\S+); (\\S+) holds (\\S+); remove that line`)),
    });
    const message = (error as Error).message;
    expect(message).toContain(`the server now shows ${await fingerprint()};`);
    expect(message).toContain(`${movedConfig.knownHostsPath}:1 holds ${before};`);
  } finally {
    await closeTestPools();
    await movedConfig.cleanup();
    await moved.stop();
  }
});

describe('ssh_transport "auto"', () => {
  test('takes the system\'s OpenSSH for a host with GSSAPIAuthentication yes, and says why', async () => {
    const log: string[] = [];
    const { pool } = testPool(config, { log: (line) => log.push(line) });
    const target = sshTarget('kerberised', { transport: 'auto' });
    await expect(pool.exec(target, 'echo via openssh')).resolves.toMatchObject({ stdout: 'via openssh\n' });
    expect(pool.transportNote(target)).toBe("through the system's OpenSSH, for GSSAPIAuthentication yes");
    // What a start's events call the host (ShellSpawner: "Starting … on <label> as <user>").
    expect(new SshHost(pool, target).label).toBe("ssh host kerberised (through the system's OpenSSH, for GSSAPIAuthentication yes)");
    expect(log.join('\n')).toMatch(/with the system's OpenSSH \(ssh_transport "auto", for GSSAPIAuthentication yes \(.*config line \d+\)\)/);
  });

  test('keeps ssh2 for a host that does not need OpenSSH', async () => {
    const { pool } = testPool(config);
    const target = sshTarget('box', { transport: 'auto' });
    await pool.exec(target, 'true');
    expect(pool.transportNote(target)).toBeUndefined();
    expect(new SshHost(pool, target).label).toBe('ssh host box');
    expect(await masters()).toEqual([]);
  });

  test('"ssh2" refuses such a host, naming the keyword, its line and ssh_transport', async () => {
    const { pool } = testPool(config);
    await expect(pool.exec(sshTarget('kerberised', { transport: 'ssh2' }), 'true')).rejects.toMatchObject({
      code: 'config',
      message: expect.stringMatching(/^kerberised: GSSAPIAuthentication yes \(.*config line \d+\) needs the system's OpenSSH, .*set "ssh_transport" to "auto" or "openssh"/),
    });
  });
});
