import { parseCommand } from '../command.js';
import { withHub } from '../with-hub.js';

export async function run(argv: string[]): Promise<number> {
  const { args: [name] } = parseCommand(argv, {}, ['NAME']);
  await withHub((hub) => hub.forget({ name }));
  process.stdout.write(`${name}: forgotten\n`);
  return 0;
}
