import { parseCommand } from '../command.js';
import { printable } from '../format.js';
import { withHub } from '../with-hub.js';

export async function run(argv: string[]): Promise<number> {
  const { values, args: [name] } = parseCommand(argv, { now: { type: 'boolean' } }, ['NAME']);
  const info = await withHub((hub) => hub.stop({ name, now: values.now }));
  process.stdout.write(`${info.name}: ${info.status}${info.reason ? ` (${printable(info.reason)})` : ''}\n`);
  return 0;
}
