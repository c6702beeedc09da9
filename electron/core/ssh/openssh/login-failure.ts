// Why the system's OpenSSH could not log in, from its last words, as an SshError whose code tells the link whether
// retrying can help: the first line is the cause, then what OpenSSH said.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { SshError, type SshErrorCode } from '../ssh-error.js';
import type { MasterExit } from './master.js';

interface Cause {
  pattern: RegExp;
  code: SshErrorCode;
  /** What went wrong, from all it said. */
  cause: (text: string) => Promise<string>;
}

const causes: Cause[] = [
  { pattern: /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|Host key for .* has changed/i, code: 'host-key-changed', cause: changedHostKey },
  { pattern: /Permission denied|Too many authentication failures|No more authentication methods/i, code: 'auth', cause: async () => 'the login was refused' },
  {
    pattern: /open failed: administratively prohibited|stdio forwarding failed/i,
    code: 'channel',
    cause: async () => 'a jump host refuses to forward the connection to the next hop (is AllowTcpForwarding off there?)',
  },
  { pattern: /Bad configuration option|line \d+:|garbage at end of line|Unsupported option|keyword .* extra arguments/i, code: 'config', cause: async () => 'the ssh config is refused' },
];

export async function loginFailure(label: string, lastWords: string[], exit: MasterExit): Promise<SshError> {
  const said = lastWords.filter((line) => line.trim() !== '');
  const text = said.join('\n');
  const how = exit.signal ? `was ended by ${exit.signal}` : `exited with status ${exit.status}`;
  const words = said.length > 0 ? `; it said: ${said.slice(-3).map((line) => line.trim()).join(' / ')}` : ' without a word';
  const known = causes.find(({ pattern }) => pattern.test(text));
  const cause = known ? await known.cause(text) : 'it could not connect';
  return new SshError(known?.code ?? 'unreachable', `${label}: ${cause}: the system's OpenSSH ${how}${words}`);
}

/** Both fingerprints and the line to fix, as hubtray's own client says it: OpenSSH prints the new one and the line. */
async function changedHostKey(text: string): Promise<string> {
  const host = /Host key for (\S+) has changed/.exec(text)?.[1];
  const shown = /key sent by the remote host is\s*\n\s*(SHA256:[A-Za-z0-9+/=]+)/.exec(text)?.[1];
  const offending = /Offending \S+ key in (\S+):(\d+)/.exec(text);
  const recorded = offending?.[1] && offending[2] ? await fingerprintAt(offending[1], Number(offending[2])) : undefined;
  return [
    `the host key of ${host ?? 'the server'} is not the one on record`,
    ...(shown ? [`the server now shows ${shown}`] : []),
    ...(offending ? [`${offending[1]}:${offending[2]} holds ${recorded ?? 'another key'}; remove that line only if the change is expected`] : []),
  ].join('; ');
}

/** The SHA256 fingerprint of the key on line `line` of a known_hosts file, as ssh-keygen -l shows it. */
async function fingerprintAt(file: string, line: number): Promise<string | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const fields = text.split('\n')[line - 1]?.trim().split(/\s+/) ?? [];
  // [@marker] hosts keytype base64 [comment]
  const blob = fields[fields[0]?.startsWith('@') ? 3 : 2];
  if (!blob) return undefined;
  return `SHA256:${createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64').replace(/=+$/, '')}`;
}
