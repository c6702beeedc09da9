import { parseCommand } from '../command.js';
import { withHub } from '../with-hub.js';

export async function run(argv: string[]): Promise<number> {
  const { args: [name] } = parseCommand(argv, {}, ['NAME']);
  const info = await withHub((hub) => hub.recheck({ name }));
  process.stdout.write(`${name}: ${info.status}${info.reason ? ` (${info.reason.split('\n')[0]})` : ''}\n`);
  return info.status === 'running' ? 0 : 1;
}
