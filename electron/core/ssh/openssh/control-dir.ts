// Where hubtray's OpenSSH masters keep their control sockets, the askpass helper and its FIFOs: a folder only this
// user can enter, <HUBTRAY_HOME>/ssh, or a private temp folder when that path is too long for a unix socket's name.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { askpassScript } from './askpass-helper.js';

// sun_path holds 108 bytes on Linux and 104 on macOS, with room kept for OpenSSH's temporary suffix while it binds.
const maxSocketPath = 80;
const socketName = 'cm-00000000-0000';

export interface PreparedDir {
  dir: string;
  /** The executable SSH_ASKPASS names. */
  askpass: string;
}

export class ControlDir {
  private prepared: Promise<PreparedDir> | undefined;
  private temporary: string | undefined;
  // Pools of one process (the tests) or of two processes on one home must never share a socket name.
  private readonly id = randomBytes(4).toString('hex');
  private count = 0;

  constructor(private readonly preferred: string) {}

  prepare(): Promise<PreparedDir> {
    this.prepared ??= this.make();
    return this.prepared;
  }

  /** A fresh path in the folder, for a master's control socket ('cm') or its askpass request FIFO ('ap'). */
  async socketPath(kind: 'cm' | 'ap'): Promise<string> {
    const { dir } = await this.prepare();
    return path.join(dir, `${kind}-${this.id}-${(this.count++).toString(36)}`);
  }

  /** Removes a temporary folder; the sockets in HUBTRAY_HOME are removed by the masters that made them. */
  async close(): Promise<void> {
    if (this.temporary) await rm(this.temporary, { recursive: true, force: true });
  }

  private async make(): Promise<PreparedDir> {
    let dir = this.preferred;
    if (path.join(dir, socketName).length > maxSocketPath) {
      dir = await mkdtemp(path.join(os.tmpdir(), 'hubtray-ssh-'));
      this.temporary = dir;
    } else {
      await mkdir(dir, { recursive: true, mode: 0o700 });
    }
    // Another user must not reach the control sockets: whoever can, can run commands as this user on the host.
    await chmod(dir, 0o700);
    const askpass = path.join(dir, 'askpass.sh');
    await writeFile(askpass, askpassScript, { mode: 0o700 });
    await chmod(askpass, 0o700);
    return { dir, askpass };
  }
}
