// Benchmark 8: what `hubtray start` adds on an SSH host, over starting the same Jupyter by hand through an SSH
// connection that is already open.
//
// One sshd (testkit/sshd.ts via hosts.ts, 127.0.0.1, key auth, the benchmark's cipher) and one ssh_config for it
// (alias `lab`), read by both sides. Debian's Jupyter (`/usr/bin/jupyter server --allow-root`) is the server on both.
// - hubtray: `hubtray serve` (the built CLI, HUBTRAY_SSH_CONFIG=that config) with two systems on host `lab`, one per
//   transport: `ssh-system` (kind `ssh`, ssh2 through the Hub's SshPool) and `ssh-system-openssh` (the same with
//   `ssh_transport: "openssh"`: the system's OpenSSH, a master of hubtray's own). Timed: `hubtray start SYSTEM --name
//   sK --json`, from spawning the CLI to its exit with the server running and its URL printed (the URL then answers
//   /api/status, checked untimed). Then `hubtray stop sK`, untimed.
// - by hand: an OpenSSH ControlMaster (`ssh -M -S SOCK -N lab`, kept as a child so it can be stopped by PID; the same
//   as -fN without the fork), opened before anything is timed, and a forward on it set up first
//   (`ssh -S SOCK -O forward -L LP:127.0.0.1:P lab`). Timed: from spawning
//   `ssh -S SOCK lab 'cd DIR && echo $$ && exec /usr/bin/jupyter server --allow-root --ip=127.0.0.1 --port=P
//   --ServerApp.token=T --no-browser'` to the first 200 of GET /api/status through the forward (polled every 10 ms,
//   a new connection per try). Then Jupyter is ended by its PID (the `echo $$`: sshd's host is this machine),
//   the session's ssh client by PID, the forward cancelled.
// One untimed warm-up of each side first (hubtray's logs in to sshd then; Python's caches fill), then the
// repetitions interleaved (in each the three sides in a rotated order: ssh2, openssh, by hand first in turn). The
// overhead of each transport is the difference of the medians. sshd's "Accepted publickey" lines are counted around each hubtray start, to show whether hubtray
// reused its SSH connection. The CLI's own fixed cost is shown apart: `hubtray list --json` against the same serve.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Client } from 'undici';
import { startKeyring, type PrivateKeyring } from '../testkit/keyring.js';
import { isAlive, signal, stopTree } from '../testkit/process-tree.js';
import type { Sshd } from '../testkit/sshd.js';
import { randomPort } from '../electron/core/net/random-port.js';
import { benchClientConfig, startBenchSshd } from './hosts.js';
import { hubBuildStale } from './slow-peer.js';
import { cli, cliPath, startServe } from './idle-hub.js';
import { foreignLoad, sleep, startChild } from './proc.js';
import { fixed, median } from './stats.js';
import { rel } from './tunnels.js';

export interface StartOverheadResult {
  reps: number;
  /** Milliseconds per repetition: hubtray with ssh2, hubtray with the system's OpenSSH (ssh_transport "openssh"). */
  hubtray: number[];
  hubtrayOpenssh: number[];
  byHand: number[];
  warmup: { hubtray: number; hubtrayOpenssh: number; byHand: number };
  /** sshd logins during each timed hubtray start (0: it reused its connection). */
  hubtrayLogins: number[];
  hubtrayOpensshLogins: number[];
  /** `hubtray list --json` against the same serve, ms: the CLI's fixed cost (Node start, connect, one call). */
  cliList: number[];
  foreignPercent: number;
  commands: string[];
}

/** Goal for the start overhead on an SSH host, ms. */
export const startOverheadTarget = { overheadMs: 150 };

const SYSTEM = 'ssh-system';
const OPENSSH_SYSTEM = 'ssh-system-openssh';
const JUPYTER = '/usr/bin/jupyter';

export async function measureStartOverhead(options: {
  reps: number;
  log: (line: string) => void;
  defer: (step: () => Promise<void>) => void;
  /** The caller checked the build itself, before waiting for a quiet machine (BENCH_ONLY). */
  buildChecked?: boolean;
}): Promise<StartOverheadResult | string> {
  const { reps, log, defer } = options;
  if (process.platform !== 'linux') return 'needs Linux (/proc)';
  if (process.getuid?.() !== 0) return 'starts its own sshd and needs root';
  for (const tool of ['/usr/sbin/sshd', '/usr/bin/ssh', JUPYTER]) if (!existsSync(tool)) return `${tool} is missing`;
  const stale = options.buildChecked ? null : hubBuildStale();
  if (stale) return stale;
  let keyring: PrivateKeyring;
  try {
    keyring = await startKeyring();
  } catch (error) {
    return `no private Secret Service for hubtray serve: ${(error as Error).message.split('\n')[0]}`;
  }
  defer(() => keyring.stop());

  const work = await mkdtemp(path.join(os.tmpdir(), 'hubtray-bench-start-'));
  defer(() => rm(work, { recursive: true, force: true }));
  const sshd = await startBenchSshd();
  defer(() => sshd.stop());
  const configPath = await benchClientConfig(work, [{ alias: 'lab', sshd }]);
  const notebooks = path.join(work, 'notebooks');
  await mkdir(notebooks);
  const home = path.join(work, 'home');
  await mkdir(home);
  const system = { kind: 'ssh', host: 'lab', cmd: [JUPYTER, 'server'], args: ['--allow-root'], notebook_dir: notebooks };
  await writeFile(
    path.join(home, 'config.json'),
    JSON.stringify({ systems: { [SYSTEM]: system, [OPENSSH_SYSTEM]: { ...system, ssh_transport: 'openssh' } } }, null, 2),
  );
  const env = keyring.env({ ...process.env, HUBTRAY_HOME: home, HUBTRAY_SSH_CONFIG: configPath });
  const serve = await startServe(home, env);
  defer(() => stopTree(serve.child));

  const sock = path.join(work, 'cm.sock');
  const ssh = ['-F', configPath, '-o', 'BatchMode=yes', '-S', sock];
  const master = startChild('/usr/bin/ssh', [...ssh, '-M', '-N', '-o', 'ControlPersist=no', 'lab'], { stdio: ['ignore', 'ignore', 'pipe'] });
  defer(() => stopTree(master));
  await waitForMaster(ssh, master);

  let n = 0;
  const hubtrayStart = async (systemName: string): Promise<{ ms: number; logins: number }> => {
    const name = `s${++n}`;
    const logins0 = await acceptedLogins(sshd);
    const t0 = performance.now();
    const result = await cli(env, ['start', systemName, '--name', name, '--json']);
    const ms = performance.now() - t0;
    const logins = (await acceptedLogins(sshd)) - logins0;
    if (result.code !== 0) throw new Error(`hubtray start ${systemName} failed (${result.code}): ${result.stderr.trim().split('\n').slice(-3).join(' / ')}`);
    const { url } = JSON.parse(result.stdout) as { url: string };
    if (!(await answersAt(new URL('api/status', url).toString(), new URL(url).searchParams.get('token') ?? ''))) throw new Error(`${url} does not answer /api/status`);
    const stopped = await cli(env, ['stop', name]);
    if (stopped.code !== 0) throw new Error(`hubtray stop ${name} failed (${stopped.code}): ${stopped.stderr.trim()}`);
    return { ms, logins };
  };
  const byHand = () => startByHand(ssh, notebooks);

  const phase = await foreignLoad();
  log('start overhead: one untimed warm-up of each side');
  const warmup = { hubtray: (await hubtrayStart(SYSTEM)).ms, hubtrayOpenssh: (await hubtrayStart(OPENSSH_SYSTEM)).ms, byHand: await byHand() };
  log(`  warm-up: hubtray ${fixed(warmup.hubtray, 0)} ms (ssh2), ${fixed(warmup.hubtrayOpenssh, 0)} ms (openssh), by hand ${fixed(warmup.byHand, 0)} ms`);
  const result = {
    hubtray: [] as number[],
    hubtrayOpenssh: [] as number[],
    byHand: [] as number[],
    hubtrayLogins: [] as number[],
    hubtrayOpensshLogins: [] as number[],
    cliList: [] as number[],
  };
  const order = ['ssh2', 'openssh', 'byHand'] as const;
  for (let rep = 0; rep < reps; rep++) {
    const sides = [...order.slice(rep % 3), ...order.slice(0, rep % 3)];
    for (const side of sides) {
      if (side === 'byHand') {
        result.byHand.push(await byHand());
      } else {
        const { ms, logins } = await hubtrayStart(side === 'ssh2' ? SYSTEM : OPENSSH_SYSTEM);
        (side === 'ssh2' ? result.hubtray : result.hubtrayOpenssh).push(ms);
        (side === 'ssh2' ? result.hubtrayLogins : result.hubtrayOpensshLogins).push(logins);
      }
    }
    const t0 = performance.now();
    const listed = await cli(env, ['list', '--json']);
    if (listed.code !== 0) throw new Error(`hubtray list failed: ${listed.stderr.trim()}`);
    result.cliList.push(performance.now() - t0);
    log(`  rep ${rep + 1}: hubtray ${fixed(result.hubtray.at(-1)!, 0)} ms with ssh2 (${result.hubtrayLogins.at(-1)} logins), ${fixed(result.hubtrayOpenssh.at(-1)!, 0)} ms with openssh (${result.hubtrayOpensshLogins.at(-1)} logins), by hand ${fixed(result.byHand.at(-1)!, 0)} ms, hubtray list ${fixed(result.cliList.at(-1)!, 0)} ms`);
  }
  const foreignPercent = await phase();
  await stopTree(master);
  await stopTree(serve.child);
  return {
    reps,
    ...result,
    warmup,
    foreignPercent,
    commands: [
      `# sshd: testkit/sshd.ts on 127.0.0.1:PORT (key auth, Ciphers ${'aes128-gcm@openssh.com'}); CONFIG: one Host block "lab" for it (bench/hosts.ts)`,
      `# HUBTRAY_HOME=TMP, HUBTRAY_SSH_CONFIG=CONFIG, DBUS_SESSION_BUS_ADDRESS=a private gnome-keyring (testkit/keyring.ts)`,
      `# config.json: ${JSON.stringify({ systems: { [SYSTEM]: { ...system, notebook_dir: 'TMP/notebooks' }, [OPENSSH_SYSTEM]: { ...system, notebook_dir: 'TMP/notebooks', ssh_transport: 'openssh' } } })}`,
      `node ${rel(cliPath)} serve`,
      `node ${rel(cliPath)} start ${SYSTEM} --name sK --json     # timed: spawn to exit (running, URL printed); ssh2`,
      `node ${rel(cliPath)} start ${OPENSSH_SYSTEM} --name sK --json     # the same with ssh_transport "openssh"`,
      `node ${rel(cliPath)} stop sK`,
      `node ${rel(cliPath)} list --json                        # timed: the CLI's fixed cost`,
      `ssh -F CONFIG -o BatchMode=yes -S SOCK -M -N -o ControlPersist=no lab          # once, before anything is timed`,
      `ssh -F CONFIG -o BatchMode=yes -S SOCK -O forward -L 127.0.0.1:LP:127.0.0.1:P lab   # untimed, before each start`,
      `ssh -F CONFIG -o BatchMode=yes -S SOCK lab 'cd TMP/notebooks && echo $$ && exec ${JUPYTER} server --allow-root --ip=127.0.0.1 --port=P --ServerApp.token=T --no-browser'   # timed from here`,
      `GET http://127.0.0.1:LP/api/status, Authorization: token T, every 10 ms on a new connection   # … to its first 200`,
      `kill -TERM <the echoed PID>; ssh -S SOCK -O cancel -L 127.0.0.1:LP:127.0.0.1:P lab`,
    ],
  };
}

/** Resolves once the master answers `-O check`; rejects if it exits or takes over 15 s. */
async function waitForMaster(ssh: string[], master: ChildProcess): Promise<void> {
  let stderr = '';
  master.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (master.exitCode !== null || master.signalCode !== null) throw new Error(`the ssh ControlMaster exited: ${stderr}`);
    if ((await run('/usr/bin/ssh', [...ssh, '-O', 'check', 'lab'])).code === 0) return;
    if (Date.now() > deadline) throw new Error(`the ssh ControlMaster did not come up within 15 s: ${stderr}`);
    await sleep(50);
  }
}

/** One start by hand over the master; resolves with ms from spawning the session to the first 200 of /api/status. */
async function startByHand(ssh: string[], dir: string): Promise<number> {
  const port = await randomPort();
  const localPort = await randomPort();
  const token = randomBytes(24).toString('hex');
  const forward = `127.0.0.1:${localPort}:127.0.0.1:${port}`;
  const added = await run('/usr/bin/ssh', [...ssh, '-O', 'forward', '-L', forward, 'lab']);
  if (added.code !== 0) throw new Error(`ssh -O forward failed: ${added.stderr.trim()}`);
  const remote = `cd '${dir}' && echo $$ && exec ${JUPYTER} server --allow-root --ip=127.0.0.1 --port=${port} --ServerApp.token=${token} --no-browser`;
  const url = `http://127.0.0.1:${localPort}/api/status`;
  const t0 = performance.now();
  const session = startChild('/usr/bin/ssh', [...ssh, 'lab', remote], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  session.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const pid = new Promise<number>((resolve) => {
    const lines = createInterface({ input: session.stdout! });
    lines.once('line', (line) => {
      resolve(Number(line.trim()));
      session.stdout?.resume();
    });
  });
  let ms: number;
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (await answersAt(url, token)) {
        ms = performance.now() - t0;
        break;
      }
      if (session.exitCode !== null || session.signalCode !== null) throw new Error(`jupyter over ssh exited during its start: ${output}`);
      if (Date.now() > deadline) throw new Error(`jupyter over ssh did not answer within 60 s: ${output}`);
      await sleep(10);
    }
  } finally {
    const remotePid = await Promise.race([pid, sleep(5000).then(() => NaN)]);
    if (Number.isInteger(remotePid) && remotePid > 1) {
      signal(remotePid, 'SIGTERM');
      const until = Date.now() + 10_000;
      while ((await isAlive(remotePid)) && Date.now() < until) await sleep(20);
      if (await isAlive(remotePid)) signal(remotePid, 'SIGKILL');
    }
    await Promise.race([new Promise((r) => (session.exitCode !== null || session.signalCode !== null ? r(null) : session.once('exit', r))), sleep(5000)]);
    await stopTree(session);
    await run('/usr/bin/ssh', [...ssh, '-O', 'cancel', '-L', forward, 'lab']);
  }
  return ms;
}

async function answersAt(url: string, token: string): Promise<boolean> {
  const { origin, pathname } = new URL(url);
  const client = new Client(origin, { connectTimeout: 2000, headersTimeout: 5000, bodyTimeout: 5000 });
  try {
    const { statusCode, body } = await client.request({ method: 'GET', path: pathname, headers: { authorization: `token ${token}` } });
    await body.text();
    return statusCode === 200;
  } catch {
    return false;
  } finally {
    await client.destroy().catch(() => {});
  }
}

function run(command: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (error) => resolve({ code: null, stderr: error.message }));
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

async function acceptedLogins(sshd: Sshd): Promise<number> {
  return [...(await sshd.log()).matchAll(/Accepted publickey for root/g)].length;
}

/** Medians, ms; hubtray's and its overhead for each transport. */
export function startOverheadMedians(r: StartOverheadResult): {
  hubtray: { ssh2: number; openssh: number };
  byHand: number;
  overhead: { ssh2: number; openssh: number };
  cliList: number;
} {
  const hubtray = { ssh2: median(r.hubtray), openssh: median(r.hubtrayOpenssh) };
  const byHand = median(r.byHand);
  return { hubtray, byHand, overhead: { ssh2: hubtray.ssh2 - byHand, openssh: hubtray.openssh - byHand }, cliList: median(r.cliList) };
}
