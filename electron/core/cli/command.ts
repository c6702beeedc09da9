// What every command is, and the command-line parsing they share (node:util's parseArgs, strict).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errorMessage } from '../../../shared/error-message.js';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

export interface Command {
  /** One line for `hubtray --help`. */
  summary: string;
  /** More for `hubtray COMMAND --help`: one paragraph each, wrapped to the terminal's 80 columns. */
  details?: string[];
  /** The synopsis, e.g. `start SYSTEM [--name NAME] [-o KEY=VALUE]... [--json]`. */
  usage: string;
  /** The command's code, imported when it runs; `run` resolves to the process exit code. */
  load(): Promise<{ run(argv: string[]): Promise<number> }>;
}

/** A command line that does not fit the command: exit code 2, with the command's usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `positionals` names the required positional arguments; `args` holds them, in that order. */
export function parseCommand<const O extends OptionsConfig, const P extends readonly string[]>(argv: string[], options: O, positionals: P) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  if (parsed.positionals.length !== positionals.length) {
    const expected = positionals.length ? positionals.join(' ') : 'no arguments';
    throw new UsageError(`expected ${expected}, got ${parsed.positionals.length ? parsed.positionals.join(' ') : 'none'}`);
  }
  return { values: parsed.values, args: parsed.positionals as unknown as { [K in keyof P]: string } };
}
