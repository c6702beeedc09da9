import { HubError } from '../../../../shared/api.js';
import { parseCommand, UsageError, type Command } from '../command.js';
import { askLine } from '../terminal-question.js';
import { withHub } from '../with-hub.js';

export const secret: Command = {
  summary: 'store a secret in the OS keychain (the value is read from standard input), or delete one',
  usage: 'secret set KEY | secret delete KEY',
  async run(argv) {
    const { args: [action, key] } = parseCommand(argv, {}, ['set|delete', 'KEY']);
    if (action === 'set') {
      await withHub(async (hub) => hub.setSecret({ key, value: await readValue(key) }));
      process.stderr.write(`stored ${key} in the keychain\n`);
      return 0;
    }
    if (action === 'delete') {
      const { deleted } = await withHub((hub) => hub.deleteSecret({ key }));
      process.stderr.write(deleted ? `deleted ${key}\n` : `${key} was not set\n`);
      return 0;
    }
    throw new UsageError(`unknown action "${action}": use set or delete`);
  },
};

/** Never from argv, where every user on the machine can read it: from stdin, or typed hidden on a terminal. */
async function readValue(key: string): Promise<string> {
  let value: string;
  if (process.stdin.isTTY) {
    value = await askLine(`Value for ${key}: `, true);
  } else {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) chunks.push(chunk);
    // One trailing newline is the one `echo` or a here-doc adds; anything else is part of the value.
    value = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  if (value === '') throw new HubError('bad-request', `the value for ${key} is empty; hubtray reads it from standard input`);
  return value;
}
