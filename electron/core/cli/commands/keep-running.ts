import { parseCommand, type Command } from '../command.js';
import { withHub } from '../with-hub.js';

export const keepRunning: Command = {
  summary: 'keep a server the idle culler is about to stop: its idle clock starts again, for one more period',
  usage: 'keep-running NAME',
  async run(argv) {
    const { args: [name] } = parseCommand(argv, {}, ['NAME']);
    await withHub((hub) => hub.keepRunning({ name }));
    process.stdout.write(`${name}: kept running; the idle culler's clock starts again now\n`);
    return 0;
  },
};
