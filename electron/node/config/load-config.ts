// config.json: read, validated and completed with defaults; errors point at the line or the setting to fix.
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { ConfigError, HubConfig, parseConfig } from '../../../shared/config.js';
import { writeJsonAtomic } from '../state/atomic-file.js';
import { withEmbeddedDefault } from './embedded-default.js';
import { findOnPath, type Which } from './find-on-path.js';
import { findJsonSyntaxProblem } from './json-syntax.js';

export interface LoadConfigOptions {
  /** How `jupyter` is looked up for the embedded "This computer" system. */
  which?: Which;
}

/** The effective config: a missing file is an empty config, and the embedded default is added when it applies. */
export async function loadConfig(file: string, options: LoadConfigOptions = {}): Promise<HubConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    text = '';
  }
  return withEmbeddedDefault(parseConfigText(text, file), options.which ?? findOnPath);
}

/** Throws ConfigError naming `source` and the line and column of a syntax error, or the setting that is wrong. */
export function parseConfigText(text: string, source: string): HubConfig {
  // Windows editors may save a byte order mark, which JSON.parse rejects; an empty file is an empty config.
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') return parseConfig({}, source);
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    const problem = findJsonSyntaxProblem(body);
    const where = problem ? ` at line ${problem.line}, column ${problem.column}: ${problem.message}` : `: ${(error as Error).message}`;
    throw new ConfigError(`${source}: not valid JSON${where}`);
  }
  return parseConfig(value, source);
}

/** Saves the config as given (defaults stay implicit), after checking that it would load. */
export async function saveConfig(file: string, config: z.input<typeof HubConfig>): Promise<void> {
  parseConfig(config, file);
  await writeJsonAtomic(file, config);
}
