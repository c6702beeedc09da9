// Editing config.json's systems from a face (the settings view, the API). The file is changed as the user wrote
// it, one system at a time, so its other settings, its $schema and its implicit defaults stay as they were; and it
// is saved only when the whole config still validates.
import { readFile } from 'node:fs/promises';
import { describeZodError, HubError, type SystemSettings } from '../../../shared/api.js';
import { ConfigError, SystemConfig, type HubConfig } from '../../../shared/config.js';
import { loadConfig, parseConfigText, saveConfig } from '../config/load-config.js';

type RawConfig = { systems?: Record<string, Record<string, unknown>> } & Record<string, unknown>;

/** The systems as config.json has them, the built-in ones included as they would be written. */
export async function readSystemSettings(file: string): Promise<SystemSettings> {
  const inFile = Object.keys((await readRawConfig(file)).systems ?? {});
  const systems = (await materialized(file)).systems ?? {};
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
  const raw = await materialized(file);
  const systems = raw.systems ?? {};
  if (change.previous !== undefined && !(change.previous in systems)) throw new HubError('not-found', `no system named "${change.previous}" in ${file}`);
  if (change.name !== change.previous && change.name in systems) throw new HubError('conflict', `a system named "${change.name}" already exists`);
  // Rebuilt in the file's order, so a renamed or edited system keeps its place.
  const next: Record<string, Record<string, unknown>> = {};
  for (const [name, settings] of Object.entries(systems)) {
    if (name === change.previous) next[change.name] = change.settings;
    else next[name] = settings;
  }
  if (change.previous === undefined) next[change.name] = change.settings;
  await save(file, { ...raw, systems: next });
}

export async function deleteSystem(file: string, name: string): Promise<void> {
  const raw = await materialized(file);
  const systems = { ...raw.systems };
  if (!(name in systems)) throw new HubError('not-found', `no system named "${name}" in ${file}`);
  delete systems[name];
  await save(file, { ...raw, systems });
}

/**
 * The file's config with the built-in systems written into it. The built-in "This computer" is only offered while
 * the file names no system; without this, adding the first SSH host would silently take it away.
 */
async function materialized(file: string): Promise<RawConfig> {
  const raw = await readRawConfig(file);
  const effective = await loadConfig(file);
  const systems = { ...raw.systems };
  const embedded = Object.entries(effective.systems).filter(([name]) => !(name in systems));
  if (embedded.length === 0) return raw;
  return { ...raw, systems: { ...Object.fromEntries(embedded.map(([name, system]) => [name, withoutDefaults(system)])), ...systems } };
}

/** Leaves out what equals the kind's default, so that the file holds only what was chosen. */
function withoutDefaults(system: HubConfig['systems'][string]): Record<string, unknown> {
  const defaults: Record<string, unknown> = SystemConfig.parse({ kind: system.kind, ...(system.kind === 'ssh' ? { host: system.host } : {}) });
  return Object.fromEntries(Object.entries(system).filter(([key, value]) => key === 'kind' || JSON.stringify(value) !== JSON.stringify(defaults[key])));
}

async function readRawConfig(file: string): Promise<RawConfig> {
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    // Validates first, so a broken file is reported with its line and column and is never overwritten.
    parseConfigText(text, file);
  } catch (error) {
    throw asBadRequest(error);
  }
  const body = text.replace(/^\uFEFF/, '');
  return body.trim() === '' ? {} : (JSON.parse(body) as RawConfig);
}

async function save(file: string, config: RawConfig): Promise<void> {
  try {
    // Typed loosely here; saveConfig validates the whole config before it writes anything.
    await saveConfig(file, config as Parameters<typeof saveConfig>[1]);
  } catch (error) {
    throw asBadRequest(error);
  }
}

function asBadRequest(error: unknown): unknown {
  return error instanceof ConfigError ? new HubError('bad-request', error.message) : error;
}
