// The command table, and how failures end the process: 2 with the usage for a bad command line, 1 with the
// error's message otherwise. A stack only with HUBTRAY_DEBUG=1: users act on messages, not on stacks.
import { UsageError, type Command } from './command.js';
import { cancel } from './commands/cancel.js';
import { forget } from './commands/forget.js';
import { list } from './commands/list.js';
import { logs } from './commands/logs.js';
import { open } from './commands/open.js';
import { secret } from './commands/secret.js';
import { serve } from './commands/serve.js';
import { start } from './commands/start.js';
import { stop } from './commands/stop.js';
import { systems } from './commands/systems.js';
import { hubtrayVersion } from './version.js';

const commands: Record<string, Command> = { serve, systems, start, list, open, stop, cancel, forget, logs, secret };

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
    process.stdout.write(`usage: hubtray ${command.usage}\n${command.summary}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`hubtray ${name}: ${error.message}\nusage: hubtray ${command.usage}\n`);
      return 2;
    }
    const debug = process.env.HUBTRAY_DEBUG === '1' && error instanceof Error;
    process.stderr.write(`hubtray: ${debug ? error.stack : (error as Error).message}\n`);
    return 1;
  }
}

function usage(): string {
  const lines = Object.values(commands).map((c) => `  hubtray ${c.usage.padEnd(52)} ${c.summary}`);
  return `hubtray: a personal JupyterHub in the system tray\n\nusage:\n${lines.join('\n')}\n\nHUBTRAY_HOME selects the folder with config.json; HUBTRAY_DEBUG=1 shows stacks on errors.\n`;
}
