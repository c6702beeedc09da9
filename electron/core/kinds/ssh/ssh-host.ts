// An SSH host as a ShellHost: scripts go to `sh -s` over the pool's shared connection, run folders live under the
// remote $HOME/.hubtray/run, and the server is reached through a tunnel (`via`).
import type { SshPool } from '../../ssh/ssh-pool.js';
import { sshTargetKey, type SshTarget } from '../../ssh/ssh-target.js';
import type { RunDir } from '../../shell-spawner/shell-scripts.js';
import type { ShellHost, ShellResult } from '../../shell-spawner/shell-spawner.js';

export class SshHost implements ShellHost {
  readonly key: string;

  constructor(
    private readonly pool: SshPool,
    readonly via: SshTarget,
  ) {
    this.key = `ssh:${sshTargetKey(via)}`;
  }

  /** Names the system's OpenSSH once it logs in (ssh_transport), so that a start's events say so. */
  get label(): string {
    const note = this.pool.transportNote(this.via);
    return note ? `ssh host ${this.via.host} (${note})` : `ssh host ${this.via.host}`;
  }

  // No timeout of its own: the scripts bound their own waits, and a dead link is caught by SSH keepalives.
  run(script: string): Promise<ShellResult> {
    return this.pool.exec(this.via, 'sh -s', { stdin: script });
  }

  username(): Promise<string> {
    return this.pool.remoteUser(this.via);
  }

  runDir(id: string): RunDir {
    return { home: `.hubtray/run/${id}` };
  }
}
