// OpenSSH's algorithm lists (`a,b`, `+a,b`, `-a,b*`, `^a,b`) against what ssh2 offers. Ciphers are passed to ssh2;
// for the other lists hubtray only tells whether a value leaves ssh2 offering what OpenSSH would have made of it.
import { createRequire } from 'node:module';
import type { CipherAlgorithm } from 'ssh2';
import { SshError } from './ssh-error.js';

/**
 * OpenSSH's Ciphers in the form ssh2's `algorithms.cipher` takes: a list that replaces ssh2's defaults, or an edit of
 * them.
 */
export type CipherSetting =
  | CipherAlgorithm[]
  | { append: CipherAlgorithm[] }
  | { remove: CipherAlgorithm[] }
  | { remove: CipherAlgorithm[]; prepend: CipherAlgorithm[] };

// What ssh2 supports and offers by default with this process's crypto library (it leaves out what OpenSSL or
// BoringSSL lacks). Its typings do not export the lists.
const ssh2 = createRequire(import.meta.url)('ssh2/lib/protocol/constants.js') as Record<string, string[]>;
const supportedCiphers = ssh2.SUPPORTED_CIPHER as CipherAlgorithm[];

/** A value of an algorithm keyword that leaves ssh2 as it is, in the shape of the keyword table's `Unless`. */
interface Harmless {
  text: string;
  test: (args: readonly string[]) => boolean;
}

/** `*` and `?` as OpenSSH's patterns mean them, everything else literal. */
function wildcard(pattern: string, flags = ''): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`, flags);
}

function split(value: string): { form: string; names: string[] } {
  const form = /^[-+^]/.test(value) ? value.charAt(0) : '';
  const names = value
    .slice(form.length)
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  return { form, names };
}

/** A name ssh2 cannot use is a config error rather than a login that fails later. */
export function parseCiphers(value: string, alias: string): CipherSetting {
  const { form, names } = split(value);
  if (names.length === 0) throw new SshError('config', `${alias}: Ciphers in the ssh config names no cipher`);
  const supported = (name: string): CipherAlgorithm => {
    const cipher = supportedCiphers.find((known) => known === name);
    if (cipher) return cipher;
    throw new SshError(
      'config',
      `${alias}: Ciphers in the ssh config names "${name}", which hubtray's SSH library (ssh2) does not support here; it supports ${supportedCiphers.join(', ')}`,
    );
  };
  if (form === '-') {
    // Removing a pattern that matches nothing is harmless, as in OpenSSH.
    return { remove: names.flatMap((name) => (/[*?]/.test(name) ? supportedCiphers.filter((c) => wildcard(name).test(c)) : [supported(name)])) };
  }
  const ciphers = names.map(supported);
  if (form === '+') return { append: ciphers };
  // ssh2's prepend skips a name already in its list; removed first, each moves to the head, as in OpenSSH.
  if (form === '^') return { remove: ciphers, prepend: ciphers };
  return ciphers;
}

/**
 * A value that changes nothing ssh2 offers: an addition of names ssh2 offers anyway, or a removal of names it never
 * offers. Anything else would need the list passed to ssh2.
 */
export function keepsSsh2Defaults(kind: 'kex' | 'serverHostKey' | 'hmac'): Harmless {
  const defaults = { kex: ssh2.DEFAULT_KEX, serverHostKey: ssh2.DEFAULT_SERVER_HOST_KEY, hmac: ssh2.DEFAULT_MAC }[kind] ?? [];
  return {
    text: `\`+\` of names ssh2 offers anyway (${defaults.join(', ')}) or \`-\` of names it does not`,
    test: ([value = '']) => {
      const { form, names } = split(value);
      if (form === '+') return names.every((name) => defaults.includes(name));
      if (form === '-') return !names.some((name) => defaults.some((offered) => wildcard(name).test(offered)));
      return false;
    },
  };
}

/** ssh2 already accepts every signature algorithm it can verify: a `+` addition changes nothing. */
export const widensOnly: Harmless = {
  text: 'a `+` addition',
  test: ([value = '']) => value.startsWith('+'),
};
