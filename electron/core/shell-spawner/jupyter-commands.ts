// The Jupyter servers a host has, and what to say when the one a system names is not there: "Test connection"
// and a failed start find them with the same shell fragment and word the cause and the way out alike.
import { settingName } from '../../../shared/kinds/setting-name.js';

/** Where people's Jupyter installs usually are when they are not on the PATH of a non-interactive shell. */
export const usualJupyterDirs = ['$HOME/miniconda3/bin', '$HOME/anaconda3/bin', '$HOME/.local/bin', '/opt/conda/bin'];
/** The Jupyter servers hubtray can start, best first. */
export const serverCommands = ['jupyter-lab', 'jupyter-server', 'jupyter-notebook'];

const maxFound = 40;

/** POSIX sh printing the path of every server command on PATH or in the usual places, one a line, each once. */
export function foundCommandsScript(): string {
  return [
    `for name in ${serverCommands.join(' ')}; do`,
    '  p=$(command -v -- "$name" 2>/dev/null) && printf "%s\\n" "$p"',
    `  for dir in ${usualJupyterDirs.map((d) => `"${d}"`).join(' ')}; do [ -x "$dir/$name" ] && printf "%s\\n" "$dir/$name"; done`,
    `done | awk '!seen[$0]++' | head -n ${maxFound}`,
  ].join('\n');
}

/** The server commands `host` has (paths); none when it cannot be asked, since this only adds to a message. */
export async function findServerCommands(host: { run(script: string): Promise<{ stdout: string }> }): Promise<string[]> {
  try {
    const result = await host.run(`${foundCommandsScript()}\n`);
    return result.stdout
      .split('\n')
      .map((line) => line.trim().slice(0, 300))
      .filter((line) => line.startsWith('/'))
      .slice(0, maxFound);
  } catch {
    return [];
  }
}

/** The words a person says for a command, without its folder: `jupyter lab` for /usr/bin/jupyter-lab. */
export function spokenCommand(command: string): string {
  const [first = '', ...rest] = command.split(' ');
  return [(first.split('/').pop() ?? first).replace(/^jupyter-/, 'jupyter '), ...rest].join(' ');
}

/** `jupyter lab` for `jupyter lab --ip …`: the command word, and a `jupyter` subcommand when there is one. */
export function shownCommand(argv: string[]): string[] {
  const [first = 'jupyter', second] = argv;
  const base = first.split('/').pop() ?? first;
  return base === 'jupyter' && second !== undefined && !second.startsWith('-') ? [first, second] : [first];
}

const products: Record<string, string> = { lab: 'JupyterLab', notebook: 'Jupyter Notebook', server: 'Jupyter Server', nbclassic: 'NbClassic' };

/** What a user calls what `command` starts ("JupyterLab" for `jupyter lab`), or null for a command of their own. */
export function productOf(command: string): string | null {
  const [word, sub] = spokenCommand(command).split(' ');
  if (word !== 'jupyter') return null;
  return sub === undefined ? 'Jupyter' : (products[sub] ?? `jupyter ${sub}`);
}

export interface MissingCommand {
  /** The host's label: "ssh host gpubox", "this computer". */
  host: string;
  /** The command as the user would type it: "jupyter lab". */
  command: string;
  /** The server commands the host has (paths), from findServerCommands. */
  found: string[];
}

/**
 * The cause, in one line: "JupyterLab is not installed on ssh host gpubox: `jupyter lab` is not a command there;
 * `jupyter server` and `jupyter notebook` are." A command that is there but off the PATH is said to be so.
 */
export function missingCommandCause({ host, command, found }: MissingCommand): string {
  const offPath = found.find((path) => spokenCommand(path) === spokenCommand(command));
  if (offPath) return `\`${command}\` is not a command on ${host}, but ${offPath} is (off the PATH of a non-login shell).`;
  const others = [...new Set(found.map(spokenCommand))].map((name) => `\`${name}\``);
  const there = others.length === 0 ? '; no other Jupyter server is there either' : `; ${listed(others)} ${others.length === 1 ? 'is' : 'are'}`;
  const product = productOf(command);
  return product ? `${product} is not installed on ${host}: \`${command}\` is not a command there${there}.` : `\`${command}\` is not a command on ${host}${there}.`;
}

/** What to set instead, or what to install: the line after the cause. */
export function cmdAdvice(found: string[]): string {
  const best = serverCommands.map((name) => found.find((path) => path.endsWith(`/${name}`))).find((path) => path !== undefined) ?? found[0];
  const install = 'install JupyterLab there (e.g. pip install --user jupyterlab)';
  if (best === undefined) return `Looked for ${serverCommands.join(', ')} on PATH and in ${usualJupyterDirs.join(', ')}: ${install}, or set ${settingName('cmd')} to its full path.`;
  return `To use \`${spokenCommand(best)}\`, set ${settingName('cmd')} to ${JSON.stringify([best])}; or ${install}.`;
}

function listed(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
