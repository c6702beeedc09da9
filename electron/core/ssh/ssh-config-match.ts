// Host and Match as OpenSSH evaluates them (readconf.c, match.c): Host patterns case-sensitive against the name,
// Match host and originalhost case-insensitive, pattern lists with `!`, and `Match exec` run in the user's shell.
// The shell runs asynchronously and for at most a few seconds: the Hub's event loop never waits on it.
import { spawn } from 'node:child_process';
import { SshError } from './ssh-error.js';
import { at, type Where } from './ssh-config-parse.js';

/** OpenSSH's match_pattern: `*` and `?`, case-sensitive. */
function matchPattern(text: string, pattern: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^]*').replaceAll('?', '[^]')}$`);
  return re.test(text);
}

/** OpenSSH's match_pattern_list: a comma-separated list; a negated pattern that matches is a definite no. */
export function matchPatternList(text: string, list: string, lower: boolean): boolean {
  let matched = false;
  for (const item of list.split(',')) {
    const negated = item.startsWith('!');
    const pattern = negated ? item.slice(1) : item;
    if (matchPattern(text, lower ? pattern.toLowerCase() : pattern)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** Whether a Host line applies: one of its patterns matches and no negated one does. */
export function hostApplies(host: string, patterns: readonly string[]): boolean {
  let applies = false;
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) {
      if (matchPattern(host, pattern.slice(1))) return false;
    } else if (matchPattern(host, pattern)) applies = true;
  }
  return applies;
}

export interface MatchContext {
  /** The HostName so far (%h expanded), or the name as given; in the final pass, the final host name. */
  host: string;
  originalHost: string;
  /** The User so far, or the local user. */
  user: string;
  localUser: string;
  tag: string;
  final: boolean;
  /** Runs a Match exec command (its tokens already expanded by `expandExec`); true when it exits 0. */
  exec: (command: string, where: Where) => Promise<boolean>;
  expandExec: (command: string, where: Where) => string;
}

/** Whether a Match line's criteria (its words) ask for the final pass, which OpenSSH decides before evaluating any. */
export function wantsFinal(words: readonly string[]): boolean {
  return words.some((word) => /^!?(final|canonical)$/i.test(word));
}

export async function matchApplies(words: readonly string[], ctx: MatchContext, where: Where): Promise<boolean> {
  let result = true;
  let attributes = 0;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    const negate = word.startsWith('!');
    const attribute = (negate ? word.slice(1) : word).toLowerCase();
    const bad = (why: string) => new SshError('config', `${at(where)}: Match ${why}; OpenSSH refuses this line too`);
    if (attribute === 'all') {
      if (attributes > 1 || i + 1 < words.length) throw bad(`"${word}" cannot be combined with other criteria`);
      return result && !negate;
    }
    attributes++;
    if (attribute === 'canonical' || attribute === 'final') {
      if (ctx.final === negate) result = false;
      continue;
    }
    const arg = words[++i];
    if (arg === undefined) throw bad(`${word} needs an argument`);
    let matched: boolean;
    switch (attribute) {
      case 'host':
        matched = matchPatternList(ctx.host.toLowerCase(), arg, true);
        break;
      case 'originalhost':
        matched = matchPatternList(ctx.originalHost.toLowerCase(), arg, true);
        break;
      case 'user':
        matched = matchPatternList(ctx.user, arg, false);
        break;
      case 'localuser':
        matched = matchPatternList(ctx.localUser, arg, false);
        break;
      case 'tagged':
        matched = matchPatternList(ctx.tag, arg, false);
        break;
      case 'exec': {
        const command = ctx.expandExec(arg, where);
        // As OpenSSH: once a criterion has failed, the command is not run.
        if (!result) continue;
        matched = await ctx.exec(command, where);
        break;
      }
      case 'localnetwork':
        throw new SshError('config', `${at(where)}: Match localnetwork is not evaluated by hubtray yet; use Match exec with a command that tests the network instead`);
      default:
        throw bad(`"${word}" is not a criterion OpenSSH knows`);
    }
    if (matched === negate) result = false;
  }
  if (attributes === 0) throw new SshError('config', `${at(where)}: Match needs at least one criterion; OpenSSH refuses this line too`);
  return result;
}

/** How long hubtray lets a Match exec command run; OpenSSH waits for ever, a tray app cannot. */
export const matchExecTimeoutMs = 5000;

/**
 * Runs `command` as OpenSSH's Match exec does (`$SHELL -c`, or /bin/sh; stdin and stdout on /dev/null; stderr the
 * app's own): exit status 0 matches. A command that outlives the timeout is killed with its process group and refuses
 * the host, since OpenSSH would still be waiting.
 */
export function runMatchExec(command: string, where: Where, options: { shell: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.shell, ['-c', command], { stdio: ['ignore', 'ignore', 'inherit'], env: options.env, detached: true });
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // It ended just now.
      }
      reject(new SshError('config', `${at(where)}: Match exec "${command}" did not finish within ${options.timeoutMs / 1000} s; hubtray gives up on it there (OpenSSH would wait)`));
    }, options.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new SshError('config', `${at(where)}: Match exec cannot start the shell ${options.shell}: ${err.message}`, { cause: err }));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === null) reject(new SshError('config', `${at(where)}: Match exec "${command}" ended by signal ${signal ?? '?'}; OpenSSH refuses the connection then too`));
      else resolve(code === 0);
    });
  });
}
