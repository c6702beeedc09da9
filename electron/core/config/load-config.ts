// config.json: read, validated and completed with defaults; errors point at the line or the setting to fix.
// It is JSON with comments and trailing commas, as VS Code's settings files are, read with VS Code's own parser.
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { parse, type ParseError, type ParseOptions } from 'jsonc-parser';
import { ConfigError, HubConfig, parseConfig } from '../../../shared/config.js';
import { writeFileAtomic, writeJsonAtomic } from '../state/atomic-file.js';
import { withEmbeddedDefault } from './embedded-default.js';
import { findOnPath, type Which } from './find-on-path.js';
import { describeSyntaxError } from './syntax-error.js';

export interface LoadConfigOptions {
  /** How `jupyter` is looked up for the embedded "This computer" system. */
  which?: Which;
}

/** How config.json is read: `//` and `/* *\/` comments and trailing commas are allowed, and no value at all. */
export const CONFIG_SYNTAX: ParseOptions = { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true };

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
  return parseConfig(parseConfigDocument(text, source) ?? {}, source);
}

/**
 * The settings object as written, not yet validated; undefined when the file holds nothing but white space and
 * comments, which is an empty config. Throws ConfigError for a syntax error or a file that is not one object.
 */
export function parseConfigDocument(text: string, source: string): Record<string, unknown> | undefined {
  // Windows editors may save a byte order mark; it is no part of the text.
  const body = withoutByteOrderMark(text);
  const errors: ParseError[] = [];
  const value: unknown = parse(body, errors, CONFIG_SYNTAX);
  if (errors.length > 0) {
    const { offset, message } = describeSyntaxError(body, errors);
    const before = body.slice(0, offset);
    const line = before.split('\n').length;
    throw new ConfigError(`${source}: not valid JSON at line ${line}, column ${offset - before.lastIndexOf('\n')}: ${message}`);
  }
  if (value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value))) return value as Record<string, unknown> | undefined;
  const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  throw new ConfigError(`${source}: expected the settings as one object, { … }, but the file holds ${kind}`);
}

export function withoutByteOrderMark(text: string): string {
  return text.replace(/^\uFEFF/, '');
}

/** Saves the config as given (defaults stay implicit), after checking that it would load. */
export async function saveConfig(file: string, config: z.input<typeof HubConfig>): Promise<void> {
  parseConfig(config, file);
  await writeJsonAtomic(file, config);
}

/** Saves the text as it is, comments and all, after checking that it would load. */
export async function saveConfigText(file: string, text: string): Promise<void> {
  parseConfigText(text, file);
  await writeFileAtomic(file, text);
}
