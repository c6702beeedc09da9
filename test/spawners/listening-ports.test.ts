// The script that finds the ports a server's process tree listens on, run by this machine's sh against real processes:
// a tree whose root starts two http.servers (one on IPv4, one on IPv6 loopback, one of them a grandchild) reports both;
// a listener outside the tree is not reported, so nothing is found by scanning; a PID that is gone reports nothing.
// Rooted at a port instead (a batch job's server, whose PID hubtray does not know): the tree of the process that
// listens there, the root's own port included.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listeningPortsScript, parseListeningPorts, type PortsRoot } from '../../electron/core/shell-spawner/listening-ports-script.js';
import { freePort } from '../fixtures/ports.js';
import { startRemoteListener, type RemoteListener } from '../fixtures/remote-listener.js';

let tree: ChildProcess;
let outsider: RemoteListener;
let v4: number;
let v6: number;

let rooted: ChildProcess;
let rootPort: number;
let childPort: number;

async function portsOf(root: number | PortsRoot): Promise<number[]> {
  const child = execFile('sh', ['-s']);
  child.stdin?.end(listeningPortsScript(typeof root === 'number' ? { pid: root } : root));
  const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('close', () => resolve({ stdout: out }));
  });
  return parseListeningPorts(stdout);
}

beforeAll(async () => {
  [v4, v6, rootPort, childPort, outsider] = await Promise.all([freePort(), freePort(), freePort(), freePort(), startRemoteListener('not of the tree')]);
  // A server that listens itself and starts a dashboard: python listening on rootPort, its child http.server.
  const serverLike = `import socket, subprocess, time
s = socket.socket(); s.bind(("127.0.0.1", ${rootPort})); s.listen()
subprocess.Popen(["python3", "-m", "http.server", "--bind", "127.0.0.1", "${childPort}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(600)`;
  rooted = spawn('python3', ['-c', serverLike], { stdio: 'ignore', detached: true });
  // The root's child sh starts the IPv6 listener, so it is a grandchild of the root. A process group of its own, so
  // that the whole tree is ended by the root's PID.
  tree = spawn('sh', ['-c', `python3 -m http.server --bind 127.0.0.1 ${v4} & sh -c 'python3 -m http.server --bind ::1 ${v6} & wait' & wait`], {
    stdio: 'ignore',
    detached: true,
  });
  const deadline = Date.now() + 10_000;
  while ((await portsOf(tree.pid as number)).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  while ((await portsOf(rooted.pid as number)).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
});

afterAll(async () => {
  if (tree?.pid) process.kill(-tree.pid, 'SIGTERM');
  if (rooted?.pid) process.kill(-rooted.pid, 'SIGTERM');
  await outsider?.stop();
});

describe("a server's listening ports, from its process tree", () => {
  it('reports the ports of every process under the PID, IPv4 and IPv6, and none outside it', async () => {
    const found = await portsOf(tree.pid as number);
    expect(found).toEqual([v4, v6].sort((a, b) => a - b));
    expect(found).not.toContain(outsider.port);
  });

  it('reports nothing for a PID that is gone', async () => {
    const gone = spawn('true');
    await new Promise((resolve) => gone.once('exit', resolve));
    expect(await portsOf(gone.pid as number)).toEqual([]);
  });

  it('rooted at a port, reports the tree of the process that listens there, and nothing for a port no one listens on', async () => {
    expect(await portsOf({ port: rootPort })).toEqual([rootPort, childPort].sort((a, b) => a - b));
    expect(await portsOf({ port: v4 })).toEqual([v4]);
    const nobody = await freePort();
    expect(await portsOf({ port: nobody })).toEqual([]);
  });

  it('keeps only well-formed port lines from what a host answers', () => {
    expect(parseListeningPorts('PORT 8787\nPORT 8787\nPORT 0\nPORT 70000\nnoise\nPORT 6006\nPORT 12')).toEqual([12, 6006, 8787]);
  });
});
