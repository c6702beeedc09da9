// Editing config.json's systems from a face (the settings view, the API). The file is changed as the user wrote
// it, one value at a time with jsonc-parser's edits, so its comments, its layout, its other settings, its $schema and
// its implicit defaults stay as they were; and it is saved only when the whole config still validates.
import { readFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { describeZodError, HubError, type SystemSettings } from '../../../shared/api.js';
import { ConfigError, SystemConfig, type HubConfig } from '../../../shared/config.js';
import { ConfigText } from '../config/config-text.js';
import { loadConfig, parseConfigDocument, parseConfigText, saveConfigText } from '../config/load-config.js';

type RawConfig = { systems?: Record<string, Record<string, unknown>> } & Record<string, unknown>;

/** config.json as written: its settings, and its text to edit. */
interface ConfigFile {
  raw: RawConfig;
  text: ConfigText;
}

/** The systems as config.json has them, the built-in ones included as they would be written. */
export async function readSystemSettings(file: string): Promise<SystemSettings> {
  const inFile = Object.keys((await readConfigFile(file)).raw.systems ?? {});
  const systems = (await materialized(file)).raw.systems ?? {};
  return { file, systems, embedded: Object.keys(systems).filter((name) => !inFile.includes(name)) };
}

export interface SystemChange {
  name: string;
  /** The system being edited; absent when adding one. */
  previous?: string;
  settings: Record<string, unknown>;
}

/** Adds, replaces or renames one system. */
export async function writeSystem(file: string, change: SystemChange): Promise<void> {
  const checked = SystemConfig.safeParse(change.settings);
  if (!checked.success) throw new HubError('bad-request', `${change.name}: ${describeZodError(checked.error)}`);
  const { raw, text } = await materialized(file);
  const systems = raw.systems ?? {};
  if (change.previous !== undefined && !(change.previous in systems)) throw new HubError('not-found', `no system named "${change.previous}" in ${file}`);
  if (change.name !== change.previous && change.name in systems) throw new HubError('conflict', `a system named "${change.name}" already exists`);
  // Rebuilt in the file's order, so a renamed or edited system keeps its place.
  const next: Record<string, Record<string, unknown>> = {};
  for (const [name, settings] of Object.entries(systems)) {
    if (name === change.previous) next[change.name] = change.settings;
    else next[name] = settings;
  }
  if (change.previous === undefined) {
    next[change.name] = change.settings;
    text.set(['systems', change.name], change.settings);
  } else {
    if (change.name !== change.previous) text.rename(['systems', change.previous], change.name);
    text.update(['systems', change.name], systems[change.previous], change.settings);
  }
  await save(file, text, { ...raw, systems: next });
}

export async function deleteSystem(file: string, name: string): Promise<void> {
  const { raw, text } = await materialized(file);
  const systems = { ...raw.systems };
  if (!(name in systems)) throw new HubError('not-found', `no system named "${name}" in ${file}`);
  delete systems[name];
  text.remove(['systems', name]);
  await save(file, text, { ...raw, systems });
}

/**
 * The file's config with the built-in systems written into it. The built-in "This computer" is only offered while
 * the file names no system; without this, adding the first SSH host would silently take it away.
 */
async function materialized(file: string): Promise<ConfigFile> {
  const { raw, text } = await readConfigFile(file);
  const effective = await loadConfig(file);
  const systems = { ...raw.systems };
  const embedded = Object.entries(effective.systems).filter(([name]) => !(name in systems));
  if (embedded.length === 0) return { raw, text };
  const written = embedded.map(([name, system]) => [name, withoutDefaults(system)] as const);
  for (const [name, settings] of written) text.set(['systems', name], settings);
  return { raw: { ...raw, systems: { ...Object.fromEntries(written), ...systems } }, text };
}

/** Leaves out what equals the kind's default (what the setting would be if left out), so that the file holds only what was chosen. */
function withoutDefaults(system: HubConfig['systems'][string]): Record<string, unknown> {
  const settings: Record<string, unknown> = system;
  return Object.fromEntries(
    Object.entries(settings).filter(([key, value]) => {
      if (key === 'kind') return true;
      const without = SystemConfig.safeParse(Object.fromEntries(Object.entries(settings).filter(([other]) => other !== key)));
      return !without.success || !isDeepStrictEqual((without.data as Record<string, unknown>)[key], value);
    }),
  );
}

async function readConfigFile(file: string): Promise<ConfigFile> {
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    // Validates first, so a broken file is reported with its line and column and is never overwritten.
    parseConfigText(text, file);
    return { raw: (parseConfigDocument(text, file) ?? {}) as RawConfig, text: new ConfigText(text) };
  } catch (error) {
    throw asBadRequest(error);
  }
}

/** Saves the edited text, once it is known to hold exactly the config meant and that config validates. */
async function save(file: string, text: ConfigText, meant: RawConfig): Promise<void> {
  const written = text.toString();
  try {
    if (!isDeepStrictEqual(parseConfigDocument(written, file) ?? {}, meant)) {
      throw new ConfigError(`${file}: the change could not be written into the file as it is (is a name there twice?); nothing was saved`);
    }
    await saveConfigText(file, written);
  } catch (error) {
    throw asBadRequest(error);
  }
}

function asBadRequest(error: unknown): unknown {
  return error instanceof ConfigError ? new HubError('bad-request', error.message) : error;
}
