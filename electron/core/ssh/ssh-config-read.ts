// One pass over the config for one host, as OpenSSH's read_config_file makes it: lines in order, Host and Match
// switching blocks on and off, Include reading files where it stands, and for each keyword the first value obtained
// (IdentityFile and CertificateFile accumulate). The files are read once per resolution and shared by its passes.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage, SshError } from './ssh-error.js';
import { keywordRule } from './ssh-config-keywords.js';
import { hostApplies, matchApplies, matchPatternList, wantsFinal, type MatchContext } from './ssh-config-match.js';
import { at, matchWords, parseConfig, type ConfigLine } from './ssh-config-parse.js';

export type Setting = Pick<ConfigLine, 'keyword' | 'args' | 'rest' | 'shown' | 'line'>;

const maxIncludeDepth = 16;
const accumulating = new Set(['identityfile', 'certificatefile']);
// The honoured keywords that take one value; OpenSSH refuses a line that gives them more.
const single = new Set(['certificatefile', 'ciphers', 'hashknownhosts', 'hostname', 'identitiesonly', 'identityagent', 'identityfile', 'ignoreunknown', 'port', 'tag', 'user']);

/** What the config obtained for one host, keyed by the keyword's canonical name in lower case. */
export class Obtained {
  private readonly first = new Map<string, Setting>();
  private readonly lists = new Map<string, Setting[]>();

  get(name: string): Setting | undefined {
    return this.first.get(name);
  }

  all(name: string): Setting[] {
    return this.lists.get(name) ?? [];
  }

  entries(): IterableIterator<[string, Setting]> {
    return this.first.entries();
  }

  /** A value given before the config (the system's settings, a ProxyJump hop), which the config cannot change. */
  preset(name: string, setting: Setting): void {
    this.first.set(name, setting);
  }

  record(name: string, setting: Setting): void {
    if (accumulating.has(name)) {
      const list = this.lists.get(name) ?? [];
      // OpenSSH drops a repeat of the same path as written.
      if (!list.some((seen) => seen.args[0] === setting.args[0])) list.push(setting);
      this.lists.set(name, list);
      return;
    }
    const jump = this.first.get('proxyjump');
    const command = this.first.get('proxycommand');
    // OpenSSH 9.2: the first of the two wins, except that `ProxyJump none` leaves ProxyCommand free.
    if (name === 'proxyjump' && command) return;
    if (name === 'proxycommand' && jump && jump.args[0]?.toLowerCase() !== 'none') return;
    if (!this.first.has(name)) this.first.set(name, setting);
  }
}

interface PassState {
  /** The name Host lines are matched against: as given, or the final host name in a final pass. */
  host: string;
  obtained: Obtained;
  wantFinal: boolean;
  match: () => MatchContext;
}

/** Reads each file once and runs passes over them. */
export class ConfigFiles {
  private readonly cache = new Map<string, Promise<ConfigLine[]>>();

  constructor(
    private readonly root: string,
    /** The home the user's `~` and relative Include paths mean. */
    private readonly home: string,
  ) {}

  async pass(state: PassState): Promise<void> {
    await this.passFile(this.root, state, { active: true }, 0, false);
  }

  private async passFile(file: string, state: PassState, block: { active: boolean }, depth: number, neverMatch: boolean): Promise<void> {
    for (const line of await this.lines(file)) {
      const keyword = line.keyword.toLowerCase();
      if (keyword === 'host') {
        block.active = !neverMatch && hostApplies(state.host, line.args);
      } else if (keyword === 'match') {
        const words = matchWords(line.rest, line);
        if (wantsFinal(words)) state.wantFinal = true;
        // OpenSSH also evaluates a Match it will not apply; hubtray spares the shell that.
        block.active = !neverMatch && (await matchApplies(words, state.match(), line));
      } else if (keyword === 'include') {
        if (depth >= maxIncludeDepth) throw new SshError('config', `${at(line)}: Include nests deeper than ${maxIncludeDepth} files`);
        const outer = block.active;
        for (const pattern of line.args) {
          for (const included of await this.glob(pattern)) {
            // An Include inside a block that does not apply is read but applies nothing, as in OpenSSH.
            await this.passFile(included, state, block, depth + 1, neverMatch || !outer);
            block.active = outer;
          }
        }
      } else {
        const rule = keywordRule(keyword);
        if (!rule) {
          const ignored = state.obtained.get('ignoreunknown')?.args[0];
          if (ignored !== undefined && matchPatternList(keyword, ignored, true)) continue;
          throw new SshError(
            'config',
            `${at(line)}: "${line.keyword}" is not an ssh_config keyword of OpenSSH 9, and OpenSSH refuses it too; fix the spelling, or name it in IgnoreUnknown above that line`,
          );
        }
        const name = rule.name.toLowerCase();
        if (single.has(name) && line.args.length > 1) {
          throw new SshError('config', `${at(line)}: ${line.keyword} takes one value; OpenSSH refuses this line too`);
        }
        if (block.active && !neverMatch) state.obtained.record(name, line);
      }
    }
  }

  private lines(file: string): Promise<ConfigLine[]> {
    let lines = this.cache.get(file);
    if (!lines) {
      lines = readFile(file, 'utf8').then(
        (text) => parseConfig(text, this.shown(file)),
        (err: NodeJS.ErrnoException) => {
          // A missing file is no config; a folder reads as an empty one, as OpenSSH reads it.
          if (err.code === 'ENOENT' || err.code === 'EISDIR') return [];
          throw new SshError('config', `cannot read ssh config ${file}: ${errorMessage(err)}`, { cause: err });
        },
      );
      this.cache.set(file, lines);
    }
    return lines;
  }

  private shown(file: string): string {
    return file === this.home || file.startsWith(this.home + path.sep) ? `~${file.slice(this.home.length)}` : file;
  }

  /** Include's pattern as OpenSSH globs it: `~`, relative to ~/.ssh, `*`, `?` and `[...]` in any part, sorted. */
  private async glob(pattern: string): Promise<string[]> {
    const tilded = pattern === '~' || pattern.startsWith('~/') ? this.home + pattern.slice(1) : pattern;
    const absolute = path.isAbsolute(tilded) ? tilded : path.join(this.home, '.ssh', tilded);
    let found = ['/'];
    for (const part of absolute.split('/').filter((p) => p !== '')) {
      if (!/[*?[]/.test(part)) {
        found = found.map((dir) => path.join(dir, part));
        continue;
      }
      const re = globPart(part);
      const next: string[] = [];
      for (const dir of found) {
        const names = await readdir(dir).catch(() => [] as string[]);
        next.push(...names.filter((name) => re.test(name) && (part.startsWith('.') || !name.startsWith('.'))).sort().map((name) => path.join(dir, name)));
      }
      found = next;
    }
    return found;
  }
}

/** One path part of a glob(3) pattern. */
function globPart(part: string): RegExp {
  let re = '';
  for (let i = 0; i < part.length; i++) {
    const c = part.charAt(i);
    const close = c === '[' ? part.indexOf(']', i + 2) : -1;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (close > 0) {
      const set = part.slice(i + 1, close);
      re += `[${set.startsWith('!') ? `^${set.slice(1)}` : set}]`.replace(/\\/g, '\\\\');
      i = close;
    } else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
