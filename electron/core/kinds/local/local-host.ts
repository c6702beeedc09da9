// This computer as a ShellHost: scripts run in /bin/sh, run folders live under HUBTRAY_HOME/run.
import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { RunDir } from '../../shell-spawner/shell-scripts.js';
import type { ShellHost, ShellResult } from '../../shell-spawner/shell-spawner.js';

export class LocalHost implements ShellHost {
  readonly label = 'this computer';
  readonly key: string;

  constructor(private readonly runRoot: string) {
    this.key = `local:${runRoot}`;
  }

  run(script: string): Promise<ShellResult> {
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-s'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      // A shell killed before it read the script fails the write with EPIPE; its exit status already tells.
      child.stdin.on('error', () => undefined);
      child.stdin.end(script);
    });
  }

  async username(): Promise<string> {
    return userInfo().username;
  }

  runDir(id: string): RunDir {
    return { absolute: join(this.runRoot, id) };
  }
}
