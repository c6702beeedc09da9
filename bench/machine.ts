// What the report says about the machine and the install it ran on.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './tunnels.js';

export function sshd2BindingBuilt(): boolean {
  return existsSync(path.join(repoRoot, 'node_modules', 'ssh2', 'lib', 'protocol', 'crypto', 'build', 'Release', 'sshcrypto.node'));
}

/** Whether npm applied hubtray's ssh2 patch (patches/ssh2+*.patch) to this install. */
function ssh2PatchApplied(): boolean {
  return readFileSync(path.join(repoRoot, 'node_modules', 'ssh2', 'lib', 'protocol', 'crypto.js'), 'utf8').includes('function fillPadding(');
}

export function describeMachine(): { cpu: string; nproc: number; openssh: string; ssh2: string; kernel: string } {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const cpu = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown CPU';
  const openssh = execFileSync('sh', ['-c', 'ssh -V 2>&1'], { encoding: 'utf8' }).trim();
  const version = (JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', 'ssh2', 'package.json'), 'utf8')) as { version: string }).version;
  const ssh2 = `${version} (${ssh2PatchApplied() ? "with hubtray's patch" : "without hubtray's patch: run npm ci"})`;
  return { cpu, nproc: os.availableParallelism(), openssh, ssh2, kernel: `${os.type()} ${os.release()}` };
}

/** Which code ran: the commit, and how many files under electron/ and shared/ differed from it (work in progress). */
export function describeCode(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', ['-C', repoRoot, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    const changed = git('status', '--porcelain', '--', 'electron', 'shared').split('\n').filter(Boolean).length;
    return `commit ${commit}${changed ? `, with ${changed} uncommitted file${changed === 1 ? '' : 's'} under electron/ and shared/` : ', no uncommitted change under electron/ or shared/'}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
