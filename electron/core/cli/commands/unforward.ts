import { parseCommand, type Command } from '../command.js';
import { withHub } from '../with-hub.js';
import { portNumber } from './forward.js';

export const unforward: Command = {
  summary: 'close a forward of a server, named by its remote port or its label',
  usage: 'unforward NAME REMOTE_PORT|LABEL',
  async run(argv) {
    const { args: [name, which] } = parseCommand(argv, {}, ['NAME', 'REMOTE_PORT|LABEL']);
    // A label starts with a letter, so digits are always a remote port.
    const target = /^\d+$/.test(which) ? portNumber(which, 'REMOTE_PORT') : which;
    await withHub((hub) => hub.unforward({ name, forward: target }));
    process.stdout.write(`${name}: forward of ${typeof target === 'number' ? `port ${target}` : target} closed\n`);
    return 0;
  },
};
