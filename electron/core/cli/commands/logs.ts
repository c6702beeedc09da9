import { parseCommand, UsageError, type Command } from '../command.js';
import { followLog } from '../log-follow.js';
import { withHub } from '../with-hub.js';

export const logs: Command = {
  summary: 'print the most recent part of a server’s own log; with --follow, follow it as it grows; with --events, its progress events and reasons in full',
  details: [
    '--follow (-f) prints the newest part of the log, then each new part as the hub reads it, until the server ends or Ctrl-C. What hubtray says about the log (truncated, part of it skipped, the server ended) goes to standard error.',
  ],
  usage: 'logs NAME [--follow | --events]',
  async run(argv) {
    const { values, args: [name] } = parseCommand(argv, { events: { type: 'boolean' }, follow: { type: 'boolean', short: 'f' } }, ['NAME']);
    if (values.follow && values.events) throw new UsageError('give either --follow or --events, not both');
    if (values.follow) return withHub((hub) => followLog(hub, name));
    const { text } = await withHub((hub) => hub.logs({ name, ...(values.events ? { events: true } : {}) }));
    process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
    return 0;
  },
};
