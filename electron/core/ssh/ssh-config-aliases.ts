// The Host aliases of the user's ssh config, for "Add an SSH host" to offer (as VS Code's Remote-SSH does): every
// concrete name of a Host line (no `*` or `?` pattern, no `!` negation), in the order written, Include files
// followed where they stand. A file that cannot be read lists nothing; an alias list is a help, never an error.
import { readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseConfig, type ConfigLine } from './ssh-config-parse.js';

const maxIncludeDepth = 16;

/** The ssh config the Hub's pool reads (SshPool's own default). */
export function userSshConfigPath(): string {
  return process.env.HUBTRAY_SSH_CONFIG ?? path.join(os.homedir(), '.ssh', 'config');
}

export async function sshHostAliases(configPath = userSshConfigPath(), home = os.homedir()): Promise<string[]> {
  const found = new Set<string>();
  await collect(configPath, home, found, 0);
  return [...found];
}

async function collect(file: string, home: string, found: Set<string>, depth: number): Promise<void> {
  const lines = await linesOf(file);
  for (const line of lines) {
    const keyword = line.keyword.toLowerCase();
    if (keyword === 'host') {
      for (const name of line.args) if (!/[*?!]/.test(name)) found.add(name);
    } else if (keyword === 'include' && depth < maxIncludeDepth) {
      for (const pattern of line.args) for (const included of await includedFiles(pattern, home)) await collect(included, home, found, depth + 1);
    }
  }
}

async function linesOf(file: string): Promise<ConfigLine[]> {
  try {
    return parseConfig(await readFile(file, 'utf8'), file);
  } catch {
    // Missing, a folder, unreadable or refused: the connection itself reports that, with its file and line.
    return [];
  }
}

/** Include's files: `~`, relative to ~/.ssh, and a `*` or `?` in the last part (config.d/*), sorted as OpenSSH does. */
async function includedFiles(pattern: string, home: string): Promise<string[]> {
  const tilded = pattern === '~' || pattern.startsWith('~/') ? home + pattern.slice(1) : pattern;
  const absolute = path.isAbsolute(tilded) ? tilded : path.join(home, '.ssh', tilded);
  const name = path.basename(absolute);
  if (!/[*?]/.test(name)) return [absolute];
  const re = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  const names = await readdir(path.dirname(absolute)).catch(() => [] as string[]);
  return names.filter((n) => re.test(n) && !n.startsWith('.')).sort().map((n) => path.join(path.dirname(absolute), n));
}
