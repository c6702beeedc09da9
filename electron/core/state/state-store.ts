// The persisted servers and remembered options (state.json). A change resolves only once a write containing it is
// on disk, so a hub killed at any moment restarts with what it last acknowledged; bursts of changes share one write
// (state-writer.ts). What cannot be read back is never deleted: it is kept aside as a backup and reported
// (state-load.ts).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { CodedError, describeZodError } from '../../../shared/api.js';
import { writeFileAtomic } from './atomic-file.js';
import { JsonObject, jsonBytes, maxOptionsBytes, ServerRecord, type StateFile } from './server-record.js';
import { loadState } from './state-load.js';
import { StateWriter, type WriteFile } from './state-writer.js';

export { maxOptionsBytes } from './server-record.js';
export { StateWriteError } from './state-write-error.js';
export type { WriteFile } from './state-writer.js';

export interface OpenedStateStore {
  store: StateStore;
  /** Problems worth telling the user, e.g. a corrupt state file or server record that was kept as a backup. */
  warnings: string[];
}

export interface StateStoreOptions {
  /** How a snapshot reaches disk. Default: atomic replace, fsynced, mode 0600. Tests inject failures here. */
  write?: WriteFile;
  /** How long a burst of changes gathers before one write (default 25 ms). */
  debounceMs?: number;
  /** How often a save that failed is tried again (default 5 s). */
  retryMs?: number;
}

export class StateStore {
  private readonly writer: StateWriter;

  private constructor(
    readonly file: string,
    private readonly state: StateFile,
    options: StateStoreOptions,
  ) {
    const write = options.write ?? ((target, data) => writeFileAtomic(target, data));
    this.writer = new StateWriter(file, () => `${JSON.stringify(this.state, null, 2)}\n`, { ...options, write });
  }

  static async open(file: string, options: StateStoreOptions = {}): Promise<OpenedStateStore> {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const { state, warnings, setAside } = await loadState(file);
    const store = new StateStore(file, state, options);
    // The entries kept aside are safe in their backups; saving now spares the next start the same warnings. A
    // failure is retried and told through onTrouble like any other.
    if (setAside) store.writer.save(true).catch(() => undefined);
    return { store, warnings };
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
    const changed = !isDeepStrictEqual(this.state.servers[parsed.data.name], parsed.data);
    if (changed) this.state.servers[parsed.data.name] = parsed.data;
    await this.writer.save(changed);
  }

  /** Resolves true when there was a record to remove. */
  async remove(name: string): Promise<boolean> {
    const present = name in this.state.servers;
    delete this.state.servers[name];
    await this.writer.save(present);
    return present;
  }

  lastSystem(): string | undefined {
    return this.state.lastSystem;
  }

  /** Remembers `system` as the one of the most recent start. */
  async setLastSystem(system: string): Promise<void> {
    const changed = this.state.lastSystem !== system;
    this.state.lastSystem = system;
    await this.writer.save(changed);
  }

  lastOptions(system: string): Record<string, unknown> {
    return structuredClone(this.state.lastOptions[system] ?? {});
  }

  /**
   * Remembers the options last used for `system`. Resolves false, keeping the previous ones, when they are over
   * maxOptionsBytes as JSON: they are only a form's defaults, not worth rewriting with every save.
   */
  async setLastOptions(system: string, options: Record<string, unknown>): Promise<boolean> {
    const parsed = JsonObject.safeParse(options);
    if (!parsed.success) throw new Error(`options for "${system}" cannot be remembered: ${describeZodError(parsed.error)}`);
    if (jsonBytes(parsed.data) > maxOptionsBytes) return false;
    const changed = !isDeepStrictEqual(this.state.lastOptions[system], parsed.data);
    if (changed) this.state.lastOptions[system] = parsed.data;
    await this.writer.save(changed);
    return true;
  }

  presets(system: string): Record<string, Record<string, unknown>> {
    return structuredClone(this.state.presets[system] ?? {});
  }

  /** Saves preset `name` for `system`; `options` null deletes it. Resolves true when something changed. */
  async setPreset(system: string, name: string, options: Record<string, unknown> | null): Promise<boolean> {
    const presets = this.state.presets[system] ?? {};
    let changed: boolean;
    if (options === null) {
      changed = name in presets;
      delete presets[name];
    } else {
      const parsed = JsonObject.safeParse(options);
      if (!parsed.success) throw new Error(`preset "${name}" cannot be saved: ${describeZodError(parsed.error)}`);
      const bytes = jsonBytes(parsed.data);
      if (bytes > maxOptionsBytes) {
        throw new CodedError('bad-request', `preset "${name}" is ${Math.ceil(bytes / 1024)} KiB; presets are limited to ${maxOptionsBytes / 1024} KiB`);
      }
      changed = !isDeepStrictEqual(presets[name], parsed.data);
      presets[name] = parsed.data;
    }
    if (Object.keys(presets).length > 0) this.state.presets[system] = presets;
    else delete this.state.presets[system];
    await this.writer.save(changed);
    return changed;
  }

  /**
   * `listener` hears a message (first line: the cause, e.g. "cannot save state: no space left on device in
   * HUBTRAY_HOME (…)") when saving starts failing, at once if it already is, and null when a save succeeds again.
   * Returns the unsubscribe function.
   */
  onTrouble(listener: (problem: string | null) => void): () => void {
    return this.writer.onTrouble(listener);
  }

  /** Stops retrying failed saves after one last attempt, and waits for the write in flight. */
  close(): Promise<void> {
    return this.writer.close();
  }
}
