import ssh2 from 'ssh2';
import { HubError } from '../../../../shared/api.js';
import { internalKeyProblem } from '../../secrets/secret-store.js';
import { KEYCHAIN_KEY_NAME, KEYCHAIN_KEY_PREFIX, sshKeySecret } from '../../ssh/auth.js';
import { parseCommand, UsageError } from '../command.js';
import { askLine } from '../terminal-question.js';
import { withHub } from '../with-hub.js';

export async function run(argv: string[]): Promise<number> {
  const { args: [action, key] } = parseCommand(argv, {}, ['set|delete|ssh-key', 'KEY']);
  if (action === 'set') {
    // Checked again by the hub; here so that nobody types a secret only to have it refused.
    const problem = internalKeyProblem(key);
    if (problem) throw new HubError('bad-request', problem);
    await withHub(async (hub) => hub.setSecret({ key, value: await readValue(key) }));
    process.stderr.write(`stored ${key} in the keychain\n`);
    return 0;
  }
  if (action === 'delete') {
    const { deleted } = await withHub((hub) => hub.deleteSecret({ key }));
    process.stderr.write(deleted ? `deleted ${key}\n` : `${key} was not set\n`);
    return 0;
  }
  if (action === 'ssh-key') {
    const value = await readPrivateKey(key);
    await withHub((hub) => hub.setSecret({ key: sshKeySecret(key), value }));
    process.stderr.write(`stored the key as ${sshKeySecret(key)} in the keychain; use it as "ssh_key": "${KEYCHAIN_KEY_PREFIX}${key}" (the key file is no longer needed)\n`);
    return 0;
  }
  throw new UsageError(`unknown action "${action}": use set, delete or ssh-key`);
}

/** Never from argv, where every user on the machine can read it: from stdin, or typed hidden on a terminal. */
async function readValue(key: string): Promise<string> {
  // One trailing newline is the one `echo` or a here-doc adds; anything else is part of the value.
  const value = process.stdin.isTTY ? await askLine(`Value for ${key}: `, true) : (await readStdin()).replace(/\r?\n$/, '');
  if (value === '') throw new HubError('bad-request', `the value for ${key} is empty; hubtray reads it from standard input`);
  return value;
}

/**
 * The key file's text, piped in (a key is several lines, so it is not typed), checked before it is stored: a
 * private key, possibly encrypted (its passphrase is asked for when it is used, as for a key file).
 */
async function readPrivateKey(name: string): Promise<string> {
  if (!KEYCHAIN_KEY_NAME.test(name)) throw new UsageError(`"${name}" is not a key name: use letters, digits and . _ @ -`);
  if (process.stdin.isTTY) throw new UsageError(`pipe the private key in: hubtray secret ssh-key ${name} < ~/.ssh/id_ed25519`);
  const text = await readStdin();
  const parsed = ssh2.utils.parseKey(text);
  const encrypted = parsed instanceof Error && /no passphrase given/i.test(parsed.message);
  // ssh2's messages describe the format, never the key's content.
  if (parsed instanceof Error && !encrypted) throw new HubError('bad-request', `standard input is not a private key ssh can use: ${parsed.message}`);
  if (!(parsed instanceof Error) && !parsed.isPrivateKey()) throw new HubError('bad-request', 'standard input is a public key; store the private key');
  return text;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
