import { parseCommand } from '../command.js';
import { withHub } from '../with-hub.js';
import { portNumber } from './forward.js';

export async function run(argv: string[]): Promise<number> {
  const { args: [name, which] } = parseCommand(argv, {}, ['NAME', 'REMOTE_PORT|LABEL']);
  // A label starts with a letter, so digits are always a remote port.
  const target = /^\d+$/.test(which) ? portNumber(which, 'REMOTE_PORT') : which;
  await withHub((hub) => hub.unforward({ name, forward: target }));
  process.stdout.write(`${name}: forward of ${typeof target === 'number' ? `port ${target}` : target} closed\n`);
  return 0;
}
