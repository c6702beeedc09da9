import { parseCommand, UsageError } from '../command.js';
import { followLog } from '../log-follow.js';
import { withHub } from '../with-hub.js';

export async function run(argv: string[]): Promise<number> {
  const { values, args: [name] } = parseCommand(argv, { events: { type: 'boolean' }, follow: { type: 'boolean', short: 'f' } }, ['NAME']);
  if (values.follow && values.events) throw new UsageError('give either --follow or --events, not both');
  if (values.follow) return withHub((hub) => followLog(hub, name));
  const { text } = await withHub((hub) => hub.logs({ name, ...(values.events ? { events: true } : {}) }));
  process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  return 0;
}
