// A real ssh-agent of the test's own: its socket in the test's folder, keys added with ssh-add (which also adds the
// KEY-cert.pub beside a key, as users' agents hold certificates), stopped by its PID.
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SshAgent {
  socket: string;
  /** ssh-add of each key file; the agent then holds the key, and its certificate when KEY-cert.pub is beside it. */
  add(...keyFiles: string[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startSshAgent(dir: string): Promise<SshAgent> {
  const socket = path.join(dir, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  const exited = new Promise((resolve) => agent.once('exit', resolve));
  const env = { ...process.env, SSH_AUTH_SOCK: socket };
  const stop = async () => {
    if (agent.pid !== undefined && agent.exitCode === null && agent.signalCode === null) {
      process.kill(agent.pid, 'SIGTERM');
      await exited;
    }
  };
  // ssh-add -l exits 1 for an agent without keys, 2 while nothing listens on the socket yet.
  const listening = () => run('ssh-add', ['-l'], { env }).then(() => true, (err: { code?: number }) => err.code === 1);
  for (let i = 0; !(await listening()); i++) {
    if (i === 100 || agent.exitCode !== null) {
      await stop();
      throw new Error(`ssh-agent did not listen on ${socket} within 5 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    socket,
    add: async (...keyFiles) => {
      await run('ssh-add', keyFiles, { env });
    },
    stop,
  };
}
