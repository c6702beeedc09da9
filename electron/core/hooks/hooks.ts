// The user's hook functions: HUBTRAY_HOME/hooks.mjs, an ES module whose exports are named by settings such as
// `"pre_poll_hook": {"hook": "myPrePoll"}` (where OutpostSpawner takes a callable). It runs in hubtray's own process,
// with the user's rights, like a jupyterhub_config.py; it is imported again when it changes, so editing it needs no
// restart. A hook may be async; a hook that throws, or is missing, fails with a message naming the setting and the
// export.
import { stat } from 'node:fs/promises';
import { CodedError } from '../../../shared/api.js';
import { pathToFileURL } from 'node:url';

export class HookError extends CodedError {
  constructor(message: string, options?: ErrorOptions) {
    super('failed', message, options);
    this.name = 'HookError';
  }
}

type HookModule = Record<string, unknown>;

export class Hooks {
  private loaded: { mtimeMs: number; module: Promise<HookModule> } | null = null;

  constructor(readonly file: string) {}

  /** Calls export `name` for setting `setting` with `args` and awaits its result. */
  async call(setting: string, name: string, args: unknown[]): Promise<unknown> {
    const what = `${setting} (${this.file}: export ${name})`;
    const module = await this.module(what);
    const hook = module[name];
    if (typeof hook !== 'function') throw new HookError(`hook ${what}: ${this.file} has no exported function named ${name}`);
    try {
      return await (hook as (...a: unknown[]) => unknown)(...args);
    } catch (error) {
      throw new HookError(`hook ${what} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  private async module(what: string): Promise<HookModule> {
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(this.file)).mtimeMs;
    } catch {
      throw new HookError(`hook ${what}: ${this.file} does not exist; create it, or set the value instead of a hook`);
    }
    if (this.loaded?.mtimeMs !== mtimeMs) {
      // The query makes Node import the changed file anew instead of its cached first version.
      const url = `${pathToFileURL(this.file).href}?mtime=${mtimeMs}`;
      this.loaded = { mtimeMs, module: import(url) as Promise<HookModule> };
    }
    const loaded = this.loaded;
    try {
      return await loaded.module;
    } catch (error) {
      if (this.loaded === loaded) this.loaded = null;
      throw new HookError(`hook ${what}: ${this.file} could not be loaded: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}
