// OpenSSH's expansions of a keyword's value: a leading `~`, `%` tokens and `${ENV}`, each keyword with the set its
// man page gives it. A token the keyword does not take, or an unset variable, makes OpenSSH refuse the connection;
// hubtray refuses it too, naming the keyword and the line.
import { createHash } from 'node:crypto';
import { SshError } from './ssh-error.js';

/** What the tokens stand for on this connection, named by their letters. */
export type TokenValues = Partial<Record<'C' | 'L' | 'd' | 'h' | 'i' | 'k' | 'l' | 'n' | 'p' | 'r' | 'u', string>>;

interface Expansion {
  /** The keyword and where it was read, for messages: `IdentityFile (~/.ssh/config line 4)`. */
  what: string;
  tokens: TokenValues;
  /** Expand `${NAME}` from this environment; without it `$` is literal, as for ProxyCommand. */
  env?: NodeJS.ProcessEnv;
  /** Expand a leading `~` to this home directory. */
  home?: string;
  /** The local user, whose `~user` is the home above. */
  localUser?: string;
}

export function expand(value: string, how: Expansion): string {
  const tilded = how.home === undefined ? value : expandTilde(value, how);
  let out = '';
  for (let i = 0; i < tilded.length; i++) {
    const c = tilded.charAt(i);
    if (c === '%') {
      const token = tilded.charAt(++i);
      if (token === '%') out += '%';
      else {
        const replacement = token === '' ? undefined : how.tokens[token as keyof TokenValues];
        if (replacement === undefined) {
          throw new SshError('config', `${how.what}: ${token === '' ? 'a lone "%" ends the value' : `"%${token}" is not a token this keyword takes`}; OpenSSH refuses it too (write "%%" for a literal "%")`);
        }
        out += replacement;
      }
    } else if (c === '$' && how.env && tilded.charAt(i + 1) === '{') {
      const close = tilded.indexOf('}', i);
      const name = close < 0 ? '' : tilded.slice(i + 2, close);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new SshError('config', `${how.what}: "${tilded.slice(i)}" is not a \${NAME} OpenSSH can expand`);
      const variable = how.env[name];
      if (variable === undefined) throw new SshError('config', `${how.what}: the environment variable ${name} is not set; OpenSSH refuses it too`);
      out += variable;
      i = close;
    } else out += c;
  }
  return out;
}

/** `~` and `~user` (the local user's only) at the start of a path. */
export function expandTilde(value: string, how: Pick<Expansion, 'what' | 'home' | 'localUser'>): string {
  if (!value.startsWith('~')) return value;
  const slash = value.indexOf('/');
  const user = value.slice(1, slash < 0 ? undefined : slash);
  if (user !== '' && user !== how.localUser) {
    throw new SshError('config', `${how.what}: hubtray cannot look up the home of "~${user}"; write the path out`);
  }
  return (how.home ?? '') + (slash < 0 ? '' : value.slice(slash));
}

/** %C: OpenSSH 9.2's hash of %l%h%p%r (later versions add %j). */
export function connectionHash(tokens: Required<Pick<TokenValues, 'l' | 'h' | 'p' | 'r'>>): string {
  return createHash('sha1').update(tokens.l + tokens.h + tokens.p + tokens.r).digest('hex');
}
