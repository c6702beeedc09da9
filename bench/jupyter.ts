// Debian's Jupyter server on 127.0.0.1 for the HTTP latency figure, in a temporary root with its own runtime dirs.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'undici';
import { sleep, startChild } from './proc.js';
import { stopTree } from '../testkit/process-tree.js';
import { randomPort as freePort } from '../electron/core/net/random-port.js';

export interface BenchJupyter {
  port: number;
  token: string;
  /** The command line, with the token shown as T. */
  command: string;
  stop(): Promise<void>;
}

export async function startJupyter(): Promise<BenchJupyter> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hubtray-bench-jupyter-'));
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const args = ['server', '--allow-root', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--ServerApp.port_retries=0'];
  const child = startChild('/usr/bin/jupyter', [...args, `--ServerApp.token=${token}`, `--ServerApp.root_dir=${dir}`], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'ignore'],
    env: {
      ...process.env,
      JUPYTER_RUNTIME_DIR: path.join(dir, '.runtime'),
      JUPYTER_DATA_DIR: path.join(dir, '.data'),
      JUPYTER_CONFIG_DIR: path.join(dir, '.config'),
    },
  });
  const stop = async () => {
    await stopTree(child);
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error('jupyter server exited during start');
    }
    if (await answers(port, token)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error('jupyter server did not answer /api/status within 60 s');
    }
    await sleep(200);
  }
  return { port, token, command: `/usr/bin/jupyter ${args.join(' ')} --ServerApp.token=T --ServerApp.root_dir=TMP`, stop };
}

async function answers(port: number, token: string): Promise<boolean> {
  const client = new Client(`http://127.0.0.1:${port}`);
  try {
    const { statusCode, body } = await client.request({ method: 'GET', path: '/api/status', headers: { authorization: `token ${token}` } });
    await body.text();
    return statusCode === 200;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => {});
  }
}
