import { HubError } from '../../../../shared/api.js';
import { parseCommand } from '../command.js';
import { printable } from '../format.js';
import { ServerFollower, subscribeFollower } from '../server-follower.js';
import { withHub } from '../with-hub.js';

export async function run(argv: string[]): Promise<number> {
  const { args: [name] } = parseCommand(argv, {}, ['NAME']);
  const info = await withHub(async (hub) => {
    // The cancel takes effect once the start has cleaned up after itself; wait for that.
    const follower = new ServerFollower(['cancelled', 'stopped', 'failed', 'running']);
    await subscribeFollower(hub, follower);
    return follower.follow(await hub.cancel({ name }));
  });
  if (info.status === 'running') throw new HubError('conflict', `${name} was already running; stop it with \`hubtray stop ${name}\``);
  process.stdout.write(`${info.name}: ${info.status}${info.reason ? ` (${printable(info.reason)})` : ''}\n`);
  return 0;
}
