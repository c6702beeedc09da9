import { CodedError } from '../../../../shared/api.js';
import { busyKernels, stopWarning } from '../../../../shared/stop-question.js';
import type { HubClient } from '../../api-client/client.js';
import { parseCommand } from '../command.js';
import { printable } from '../format.js';
import { askLine, isInteractive } from '../terminal-question.js';
import { withHub } from '../with-hub.js';

export async function run(argv: string[]): Promise<number> {
  const { values, args: [name] } = parseCommand(argv, { now: { type: 'boolean' }, force: { type: 'boolean' } }, ['NAME']);
  const info = await withHub(async (hub) => ((values.force || (await confirmed(hub, name))) ? hub.stop({ name, now: values.now }) : null));
  if (!info) return 1;
  process.stdout.write(`${info.name}: ${info.status}${info.reason ? ` (${printable(info.reason)})` : ''}\n`);
  return 0;
}

/**
 * The window's question (shared/stop-question.ts) on the terminal. A script, with no one to answer, is refused with
 * the flag to use rather than left waiting for an answer that never comes.
 */
async function confirmed(hub: HubClient, name: string): Promise<boolean> {
  const status = (await hub.listServers({})).find((s) => s.name === name)?.status ?? 'unknown';
  const busy = await busyKernels(status, () => hub.kernels({ name }));
  if (!busy) return true;
  const warning = stopWarning(name, busy);
  if (!isInteractive()) throw new CodedError('conflict', `${name} was not stopped: ${warning}\nTo stop it anyway: hubtray stop ${name} --force`);
  if (/^y(es)?$/i.test((await askLine(`${warning} Stop anyway? [y/N] `, false)).trim())) return true;
  process.stderr.write(`${name} keeps running\n`);
  return false;
}
