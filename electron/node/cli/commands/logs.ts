import { parseCommand, type Command } from '../command.js';
import { withHub } from '../with-hub.js';

export const logs: Command = {
  summary: 'print the most recent part of a server’s own log',
  usage: 'logs NAME',
  async run(argv) {
    const { args: [name] } = parseCommand(argv, {}, ['NAME']);
    const { text } = await withHub((hub) => hub.logs({ name }));
    process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
    return 0;
  },
};
