import { parseCommand } from '../command.js';
import { withHub } from '../with-hub.js';

export async function run(argv: string[]): Promise<number> {
  const { args: [name] } = parseCommand(argv, {}, ['NAME']);
  await withHub((hub) => hub.keepRunning({ name }));
  process.stdout.write(`${name}: kept running; the idle culler's clock starts again now\n`);
  return 0;
}
