import { parseCommand, type Command } from '../command.js';
import { printable } from '../format.js';
import { withHub } from '../with-hub.js';

export const stop: Command = {
  summary: 'stop a server (interrupt, then terminate, then kill; --now skips the grace periods)',
  usage: 'stop NAME [--now]',
  async run(argv) {
    const { values, args: [name] } = parseCommand(argv, { now: { type: 'boolean' } }, ['NAME']);
    const info = await withHub((hub) => hub.stop({ name, now: values.now }));
    process.stdout.write(`${info.name}: ${info.status}${info.reason ? ` (${printable(info.reason)})` : ''}\n`);
    return 0;
  },
};
