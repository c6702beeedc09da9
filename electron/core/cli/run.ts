// The command table, and how failures end the process: 2 with the usage for a bad command line, 1 with the
// error's message otherwise. A stack only with HUBTRAY_DEBUG=1: users act on messages, not on stacks.
import { UsageError, type Command } from './command.js';
import { cancel } from './commands/cancel.js';
import { forget } from './commands/forget.js';
import { keepRunning } from './commands/keep-running.js';
import { forward } from './commands/forward.js';
import { unforward } from './commands/unforward.js';
import { ports } from './commands/ports.js';
import { recheck } from './commands/recheck.js';
import { list } from './commands/list.js';
import { logs } from './commands/logs.js';
import { open } from './commands/open.js';
import { secret } from './commands/secret.js';
import { serve } from './commands/serve.js';
import { start } from './commands/start.js';
import { stop } from './commands/stop.js';
import { systems } from './commands/systems.js';
import { wrap } from './format.js';
import { hubtrayVersion } from './version.js';
import { errorMessage } from '../../../shared/api.js';

const commands: Record<string, Command> = { serve, systems, start, list, open, stop, cancel, recheck, 'keep-running': keepRunning, forward, unforward, ports, forget, logs, secret };

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(usage());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  if (name === '--version') {
    process.stdout.write(`${hubtrayVersion()}\n`);
    return 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`hubtray: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`hubtray ${name}: ${error.message}\n${synopsis(command)}\n`);
      return 2;
    }
    const debug = process.env.HUBTRAY_DEBUG === '1' && error instanceof Error;
    process.stderr.write(`hubtray: ${debug ? error.stack : errorMessage(error)}\n`);
    return 1;
  }
}

/** `hubtray --help` and every command's help fit a terminal of 80 columns. */
const HELP_WIDTH = 80;

function commandHelp(command: Command): string {
  const paragraphs = [command.summary, ...(command.details ?? [])].map((text) => wrap(text, HELP_WIDTH).join('\n'));
  return `${synopsis(command)}\n${paragraphs.join('\n\n')}\n`;
}

/** `usage: hubtray …`, one line per alternative (`secret set KEY | secret delete KEY`), so that each fits. */
function synopsis(command: Command): string {
  return command.usage
    .split(' | ')
    .map((alternative, index) => `${index === 0 ? 'usage:' : '      '} hubtray ${alternative}`)
    .join('\n');
}

function usage(): string {
  const entries = Object.values(commands).map((c) => [`  hubtray ${c.usage}`, ...wrap(c.summary, HELP_WIDTH, '      ')].join('\n'));
  const footer = wrap('HUBTRAY_HOME selects the folder with config.json; HUBTRAY_DEBUG=1 shows stacks on errors. `hubtray COMMAND --help` says more of one command.', HELP_WIDTH);
  return `hubtray: a personal JupyterHub in the system tray\n\nusage:\n${entries.join('\n')}\n\n${footer.join('\n')}\n`;
}
