// What a shell spawner needs of a host: a shell that runs a script given on stdin, and where run folders live there.
import type { SshTarget } from '../ssh/ssh-target.js';
import type { RunDir } from './shell-scripts.js';

export interface ShellResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A shell on some host: runs a script given on stdin. */
export interface ShellHost {
  /** For messages: "this computer" or "ssh host NAME". */
  readonly label: string;
  /** The same for every ShellHost that reaches the same shell as the same user: their servers are checked together. */
  readonly key: string;
  run(script: string): Promise<ShellResult>;
  username(): Promise<string>;
  /** Where run folders live on this host. */
  runDir(id: string): RunDir;
  /** Set when the server is reached through an SSH tunnel. */
  readonly via?: SshTarget;
}
