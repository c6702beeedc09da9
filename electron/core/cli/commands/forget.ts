import { parseCommand, type Command } from '../command.js';
import { withHub } from '../with-hub.js';

export const forget: Command = {
  summary: 'remove a server that has ended (stopped, failed or cancelled), or a lost one, from the list',
  usage: 'forget NAME',
  async run(argv) {
    const { args: [name] } = parseCommand(argv, {}, ['NAME']);
    await withHub((hub) => hub.forget({ name }));
    process.stdout.write(`${name}: forgotten\n`);
    return 0;
  },
};
