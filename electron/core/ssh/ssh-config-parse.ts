// One ssh config file into lines, split the way OpenSSH's readconf.c splits them: keyword and arguments separated by
// whitespace or one `=`, quotes and backslash escapes in arguments, a word starting with `#` ending the line. The
// file and line of each are kept, so that a refusal can say where the user wrote what it refuses.
import { SshError } from './ssh-error.js';

export interface Where {
  /** The file as the user would name it (`~/.ssh/config`). */
  shown: string;
  line: number;
}

export interface ConfigLine extends Where {
  /** As written: messages name it the user's way. */
  keyword: string;
  args: string[];
  /** The rest of the line unsplit, which ProxyCommand and Match take. */
  rest: string;
}

/** `~/.ssh/config line 12`; a value from hubtray's own settings has no line. */
export function at(where: Where): string {
  return where.line > 0 ? `${where.shown} line ${where.line}` : where.shown;
}

const space = /^[ \t\r\n]*/;

export function parseConfig(text: string, shown: string): ConfigLine[] {
  const lines: ConfigLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const where = { shown, line: index + 1 };
    const trimmed = raw.replace(/[ \t\r\n\f]+$/, '').replace(space, '');
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const end = /[ \t\r\n"=]/.exec(trimmed);
    const keyword = end ? trimmed.slice(0, end.index) : trimmed;
    let rest = end ? trimmed.slice(end.index + 1).replace(space, '') : '';
    if (end?.[0] !== '=' && rest.startsWith('=')) rest = rest.slice(1).replace(space, '');
    if (rest === '') throw new SshError('config', `${at(where)}: ${keyword} has no value; OpenSSH refuses this line too`);
    const args = splitArgs(rest);
    if (!args) throw new SshError('config', `${at(where)}: a quote in ${keyword} is not closed; OpenSSH refuses this line too`);
    lines.push({ ...where, keyword, args, rest });
  });
  return lines;
}

/** OpenSSH's argv_split: quotes group, a backslash escapes a quote, a backslash or (unquoted) a space. */
function splitArgs(text: string): string[] | undefined {
  const args: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '#') break;
    let arg = '';
    let quote = '';
    for (; i < text.length; i++) {
      const ch = text.charAt(i);
      const next = text.charAt(i + 1);
      if (ch === '\\' && (next === "'" || next === '"' || next === '\\' || (quote === '' && next === ' '))) arg += text.charAt(++i);
      else if (quote === '' && (ch === ' ' || ch === '\t')) break;
      else if (quote === '' && (ch === '"' || ch === "'")) quote = ch;
      else if (quote !== '' && ch === quote) quote = '';
      else arg += ch;
    }
    if (quote !== '') return undefined;
    args.push(arg);
  }
  return args;
}

/**
 * Match's criteria as OpenSSH's strdelim reads them: words split at whitespace or one `=`, a double-quoted stretch
 * kept whole, a word starting with `#` ending the line.
 */
export function matchWords(rest: string, where: Where): string[] {
  const words: string[] = [];
  let s = rest;
  while (s !== '') {
    const delimiter = /[ \t\r\n"=]/.exec(s);
    if (!delimiter) {
      words.push(s);
      break;
    }
    if (delimiter[0] === '"') {
      const after = s.slice(delimiter.index + 1);
      const close = after.indexOf('"');
      if (close < 0) throw new SshError('config', `${at(where)}: a quote in Match is not closed; OpenSSH refuses this line too`);
      words.push(s.slice(0, delimiter.index) + after.slice(0, close));
      s = after.slice(close + 1).replace(space, '');
    } else {
      words.push(s.slice(0, delimiter.index));
      s = s.slice(delimiter.index + 1).replace(space, '');
      if (delimiter[0] !== '=' && s.startsWith('=')) s = s.slice(1).replace(space, '');
    }
  }
  const comment = words.findIndex((word) => word.startsWith('#'));
  return comment < 0 ? words : words.slice(0, comment);
}
