// Reads state.json back. Each server record, each system's remembered options and each preset is checked on its
// own: one wrong field (written by a buggy or older hubtray, or by hand) used to cost every saved server, whose
// remote processes then ran on untracked. Now an entry that fails is kept aside whole in a backup file next to
// state.json and reported, and the rest loads. Only a file that is not JSON, or not a state file at all, is kept
// aside whole, and the hub starts empty. Nothing is deleted before it is safe in a backup.
import { access, open, readFile, rename, unlink } from 'node:fs/promises';
import { z } from 'zod';
import { describeZodError, SystemName } from '../../../shared/api.js';
import { JsonObject, jsonBytes, maxOptionsBytes, ServerRecord, StateFileFrame, type StateFile } from './server-record.js';
import { StateWriteError } from './state-write-error.js';

export interface LoadedState {
  state: StateFile;
  /** Problems worth telling the user, each naming what was kept aside, why, and where. */
  warnings: string[];
  /** Entries were kept aside, so the file on disk still holds them until it is next written. */
  setAside: boolean;
}

type Checked<T> = { value: T } | { reason: string };

export function emptyState(): StateFile {
  return { version: 1, servers: {}, lastOptions: {}, presets: {} };
}

export async function loadState(file: string): Promise<LoadedState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: emptyState(), warnings: [], setAside: false };
    throw error;
  }
  const frame = parseFrame(text);
  if ('reason' in frame) {
    const backup = await keepFileAside(file);
    return {
      state: emptyState(),
      warnings: [`${file} could not be used (${frame.reason}); it was kept as ${backup} and hubtray started without saved servers.`],
      setAside: false,
    };
  }
  return new EntrySorter(file).sort(frame.value);
}

function parseFrame(text: string): Checked<z.infer<typeof StateFileFrame>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { reason: 'it is not valid JSON' };
  }
  const parsed = StateFileFrame.safeParse(json);
  return parsed.success ? { value: parsed.data } : { reason: describeZodError(parsed.error) };
}

class EntrySorter {
  private readonly state = emptyState();
  private readonly warnings: string[] = [];
  // One stamp for every backup of this load, so that they sort together.
  private readonly stamp = new Date().toISOString().replace(/[:.]/g, '-');

  constructor(private readonly file: string) {}

  async sort(frame: z.infer<typeof StateFileFrame>): Promise<LoadedState> {
    for (const [key, raw] of Object.entries(frame.servers)) {
      const checked = checkServer(key, raw);
      if ('value' in checked) this.state.servers[key] = checked.value;
      else await this.keepAside(key, raw, `server "${key}"`, checked.reason, 'the other servers were loaded');
    }
    for (const [system, raw] of Object.entries(frame.lastOptions)) {
      const checked = checkOptions(system, raw);
      if ('value' in checked) this.state.lastOptions[system] = checked.value;
      else await this.keepAside(`options-${system}`, raw, `the remembered options of system "${system}"`, checked.reason, 'the form starts from its defaults');
    }
    for (const [system, raw] of Object.entries(frame.presets)) await this.sortPresets(system, raw);
    const lastSystem = SystemName.safeParse(frame.lastSystem);
    if (lastSystem.success) this.state.lastSystem = lastSystem.data;
    return { state: this.state, warnings: this.warnings, setAside: this.warnings.length > 0 };
  }

  private async sortPresets(system: string, raw: unknown): Promise<void> {
    const presets = z.record(z.string(), z.unknown()).safeParse(raw);
    const systemOk = SystemName.safeParse(system).success;
    if (!systemOk || !presets.success) {
      const reason = systemOk ? `must be an object of presets` : `"${system}" is not a system name`;
      await this.keepAside(`presets-${system}`, raw, `the presets of system "${system}"`, reason, 'other systems\' presets were loaded');
      return;
    }
    const kept: Record<string, JsonObject> = {};
    for (const [name, options] of Object.entries(presets.data)) {
      const checked = checkJson(options);
      if ('value' in checked) kept[name] = checked.value;
      else await this.keepAside(`preset-${system}-${name}`, options, `preset "${name}" of system "${system}"`, checked.reason, 'the other presets were loaded');
    }
    if (Object.keys(kept).length > 0) this.state.presets[system] = kept;
  }

  private async keepAside(label: string, raw: unknown, what: string, reason: string, rest: string): Promise<void> {
    const backup = await keepEntryAside(this.file, label, raw, this.stamp);
    this.warnings.push(`${what} in ${this.file} could not be used (${reason}); it was kept as ${backup}, and ${rest}.`);
  }
}

function checkServer(key: string, raw: unknown): Checked<ServerRecord> {
  const parsed = ServerRecord.safeParse(raw);
  if (!parsed.success) return { reason: describeZodError(parsed.error) };
  if (parsed.data.name !== key) return { reason: `name: "${parsed.data.name}" does not match its key "${key}"` };
  return { value: parsed.data };
}

function checkOptions(system: string, raw: unknown): Checked<JsonObject> {
  if (!SystemName.safeParse(system).success) return { reason: `"${system}" is not a system name` };
  const checked = checkJson(raw);
  // An older hubtray remembered options of any size, and they would be rewritten with every save.
  if ('value' in checked && jsonBytes(checked.value) > maxOptionsBytes) {
    return { reason: `they are ${Math.ceil(jsonBytes(checked.value) / 1024)} KiB; remembered options are limited to ${maxOptionsBytes / 1024} KiB` };
  }
  return checked;
}

function checkJson(raw: unknown): Checked<JsonObject> {
  const parsed = JsonObject.safeParse(raw);
  return parsed.success ? { value: parsed.data } : { reason: describeZodError(parsed.error) };
}

/** Writes `raw` to a new file next to `file`, 0600, flushed to disk: the entry is dropped from state.json next. */
async function keepEntryAside(file: string, label: string, raw: unknown, stamp: string): Promise<string> {
  // The label comes from the file itself, so it must not be able to point anywhere else.
  const safe = label.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
  const data = `${JSON.stringify(raw, null, 2)}\n`;
  for (let attempt = 0; ; attempt++) {
    const backup = `${file}.bad-${safe}-${stamp}${attempt ? `-${attempt}` : ''}.json`;
    let handle;
    try {
      handle = await open(backup, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new StateWriteError(backup, error, 'keep a bad entry of state.json aside');
    }
    try {
      await handle.writeFile(data);
      await handle.sync();
    } catch (error) {
      // Without its backup the entry would be lost at the next save; better not to start, and say why. A torn
      // backup would only mislead: the entry is still in state.json.
      await handle.close().catch(() => undefined);
      await unlink(backup).catch(() => undefined);
      throw new StateWriteError(backup, error, 'keep a bad entry of state.json aside');
    }
    await handle.close();
    return backup;
  }
}

async function keepFileAside(file: string): Promise<string> {
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
