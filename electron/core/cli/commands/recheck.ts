import { parseCommand, type Command } from '../command.js';
import { withHub } from '../with-hub.js';

export const recheck: Command = {
  summary: 'check a running or lost server now (its process, then its HTTP answer) and print what was found',
  usage: 'recheck NAME',
  async run(argv) {
    const { args: [name] } = parseCommand(argv, {}, ['NAME']);
    const info = await withHub((hub) => hub.recheck({ name }));
    process.stdout.write(`${name}: ${info.status}${info.reason ? ` (${info.reason.split('\n')[0]})` : ''}\n`);
    return info.status === 'running' ? 0 : 1;
  },
};
