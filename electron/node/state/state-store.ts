// The persisted servers and remembered options (state.json). Every change is written atomically before its
// promise resolves, so a hub killed at any moment restarts with what it last acknowledged. A file that cannot be
// read back is never deleted or overwritten: it is kept aside as a backup and reported, and the hub starts empty.
import { access, mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { describeZodError } from '../../../shared/api.js';
import { writeJsonAtomic } from './atomic-file.js';
import { JsonObject, ServerRecord, StateFile } from './server-record.js';

export interface OpenedStateStore {
  store: StateStore;
  /** Problems worth telling the user, e.g. a corrupt state file that was kept as a backup. */
  warnings: string[];
}

export class StateStore {
  private constructor(
    readonly file: string,
    private readonly state: StateFile,
  ) {}

  static async open(file: string): Promise<OpenedStateStore> {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const { state, warnings } = await load(file);
    return { store: new StateStore(file, state), warnings };
  }

  // Callers get copies, so that nothing changes in memory without also being persisted.
  servers(): ServerRecord[] {
    return Object.values(this.state.servers).map((record) => structuredClone(record));
  }

  get(name: string): ServerRecord | undefined {
    const record = this.state.servers[name];
    return record && structuredClone(record);
  }

  async put(record: ServerRecord): Promise<void> {
    const parsed = ServerRecord.safeParse(record);
    if (!parsed.success) throw new Error(`server record "${record.name}" is invalid: ${describeZodError(parsed.error)}`);
    this.state.servers[parsed.data.name] = parsed.data;
    await this.persist();
  }

  /** Resolves true when there was a record to remove. */
  async remove(name: string): Promise<boolean> {
    if (!(name in this.state.servers)) return false;
    delete this.state.servers[name];
    await this.persist();
    return true;
  }

  lastOptions(system: string): Record<string, unknown> {
    return structuredClone(this.state.lastOptions[system] ?? {});
  }

  async setLastOptions(system: string, options: Record<string, unknown>): Promise<void> {
    const parsed = JsonObject.safeParse(options);
    if (!parsed.success) throw new Error(`options for "${system}" cannot be remembered: ${describeZodError(parsed.error)}`);
    this.state.lastOptions[system] = parsed.data;
    await this.persist();
  }

  presets(system: string): Record<string, Record<string, unknown>> {
    return structuredClone(this.state.presets[system] ?? {});
  }

  /** Saves preset `name` for `system`; `options` null deletes it. Resolves true when something changed. */
  async setPreset(system: string, name: string, options: Record<string, unknown> | null): Promise<boolean> {
    const presets = (this.state.presets[system] ??= {});
    if (options === null) {
      if (!(name in presets)) return false;
      delete presets[name];
    } else {
      const parsed = JsonObject.safeParse(options);
      if (!parsed.success) throw new Error(`preset "${name}" cannot be saved: ${describeZodError(parsed.error)}`);
      presets[name] = parsed.data;
    }
    await this.persist();
    return true;
  }

  // The snapshot is taken now; the atomic writer queues writes in call order, so the last one holds every change.
  private persist(): Promise<void> {
    return writeJsonAtomic(this.file, this.state);
  }
}

function emptyState(): StateFile {
  return { version: 1, servers: {}, lastOptions: {}, presets: {} };
}

async function load(file: string): Promise<{ state: StateFile; warnings: string[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: emptyState(), warnings: [] };
    throw error;
  }
  const parsed = parseState(text);
  if ('state' in parsed) return { state: parsed.state, warnings: [] };
  const backup = await keepAsBackup(file);
  return {
    state: emptyState(),
    warnings: [`${file} could not be used (${parsed.reason}); it was kept as ${backup} and hubtray started without saved servers.`],
  };
}

function parseState(text: string): { state: StateFile } | { reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { reason: 'it is not valid JSON' };
  }
  const parsed = StateFile.safeParse(json);
  return parsed.success ? { state: parsed.data } : { reason: describeZodError(parsed.error) };
}

async function keepAsBackup(file: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (let attempt = 0; ; attempt++) {
    const backup = `${file}.corrupt-${stamp}${attempt ? `-${attempt}` : ''}`;
    // rename would silently replace an earlier backup, so a taken name is skipped.
    if (await exists(backup)) continue;
    await rename(file, backup);
    return backup;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
