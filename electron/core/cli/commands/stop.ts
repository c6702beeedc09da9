import { busyKernels, busyKernelsSentence } from '../../../../shared/stop-question.js';
import { CodedError } from '../../../../shared/api.js';
import { parseCommand } from '../command.js';
import { printable } from '../format.js';
import { askLine, isInteractive } from '../terminal-question.js';
import { withHub } from '../with-hub.js';

export async function run(argv: string[]): Promise<number> {
  const { values, args: [name] } = parseCommand(argv, { now: { type: 'boolean' }, force: { type: 'boolean' } }, ['NAME']);
  const info = await withHub(async (hub) => {
    if (!values.force) {
      const status = (await hub.listServers({})).find((s) => s.name === name)?.status ?? 'unknown';
      const busy = await busyKernels(status, () => hub.kernels({ name }));
      // The window asks the same question (shared/stop-question.ts); a script, with no one to answer, is told the
      // flag instead of waiting for an answer that never comes.
      if (busy && !isInteractive()) throw new CodedError('conflict', `${name} not stopped: ${busyKernelsSentence(busy)}; stop it anyway with hubtray stop ${name} --force`);
      if (busy && !/^y(es)?$/i.test((await askLine(`${busyKernelsSentence(busy)} on ${name}; what it has not saved is lost. Stop anyway? [y/N] `, false)).trim())) {
        process.stderr.write(`${name} keeps running\n`);
        return null;
      }
    }
    return hub.stop({ name, now: values.now });
  });
  if (!info) return 1;
  process.stdout.write(`${info.name}: ${info.status}${info.reason ? ` (${printable(info.reason)})` : ''}\n`);
  return 0;
}
