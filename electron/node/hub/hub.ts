// The Hub: owns the systems, the servers and their events. Plain Node; every face (Electron IPC, the local API
// server, the CLI) drives it through the HubApi contract of shared/api.ts.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import {
  describeZodError,
  HubError,
  type HubApi,
  type HubEvent,
  type HubEventSource,
  type MethodArgs,
  type MethodResult,
  type ServerInfo,
  type SystemInfo,
} from '../../../shared/api.js';
import { checkOptions, optionsFromForm, OptionsError, type UserOptions } from '../../../shared/forms.js';
import { ConfigError, SystemConfig, type HubConfig } from '../../../shared/config.js';
import { loadConfig } from '../config/load-config.js';
import { ensureHubHome, hubPaths } from '../config/paths.js';
import { Keychain } from '../secrets/keychain.js';
import { internalKeyProblem, type SecretStore } from '../secrets/secret-store.js';
import { StateStore } from '../state/state-store.js';
import type { ServerRecord } from '../state/server-record.js';
import { SshPool, watchNetwork } from '../ssh/ssh-pool.js';
import { Hooks } from '../hooks/hooks.js';
import { PersonalHub } from '../personal-hub/personal-hub.js';
import { logHubEvents, type HubLog } from './hub-log.js';
import { PromptBroker } from './prompt-broker.js';
import { ServerRuntime } from './server-runtime.js';
import { Systems } from './systems.js';
import { Discovery } from './discovery.js';
import { testConnection } from './connection-test.js';
import { deleteSystem, readSystemSettings, writeSystem } from './system-settings.js';
import type { DiscoveredServer, SpawnerDeps } from '../systems/system-kind.js';

export interface HubOptions {
  /** HUBTRAY_HOME; defaults to the environment variable or the OS per-user config folder. */
  home?: string;
  secrets?: SecretStore;
}

export class Hub implements HubApi, HubEventSource {
  private readonly emitter = new EventEmitter();
  private readonly runtimes = new Map<string, ServerRuntime>();
  private readonly prompts: PromptBroker;
  private readonly pool: SshPool;
  private readonly personalHub: PersonalHub;
  private systems: Systems;
  private readonly deps: SpawnerDeps;
  private readonly discovery: Discovery;
  private stopNetworkWatch: () => void = () => undefined;
  private log: HubLog | undefined;

  private constructor(
    config: HubConfig,
    private readonly store: StateStore,
    private readonly secrets: SecretStore,
    home: string,
    private readonly configFile: string,
    /** Start-up problems worth showing, e.g. a corrupt state file kept as a backup. */
    readonly warnings: string[],
  ) {
    this.emitter.setMaxListeners(0);
    this.prompts = new PromptBroker(
      config.prompt_timeout,
      (prompt) => this.emit({ event: 'prompt', data: prompt }),
      (id) => this.emit({ event: 'promptClosed', data: { id } }),
    );
    this.pool = new SshPool({ prompter: this.prompts, secrets });
    this.personalHub = new PersonalHub({ portFile: join(home, 'personal-hub.json') });
    this.deps = {
      pool: this.pool,
      runRoot: join(home, 'run'),
      secrets,
      prompter: this.prompts,
      personalHub: this.personalHub,
      hooks: new Hooks(join(home, 'hooks.mjs')),
    };
    this.systems = new Systems(config, this.deps);
    this.discovery = new Discovery(
      {
        systems: () => this.systems.names().map((name) => ({ name, config: this.systems.get(name) })),
        known: () => [...this.runtimes.values()].filter((r) => r.active).map((r) => r.spawnerState()),
        adopt: (system, server) => this.adopt(system, server),
        trouble: (system, error) =>
          this.emit({
            event: 'notice',
            data: error
              ? { level: 'warning', message: `could not list the servers on ${system}: ${error.message}` }
              : { level: 'info', message: `listing the servers on ${system} works again` },
          }),
      },
      this.deps,
    );
  }

  /** Loads config and state, checks the keychain (loudly), and re-attaches to servers that still run. */
  static async open(options: HubOptions = {}): Promise<Hub> {
    const paths = await ensureHubHome(hubPaths(options.home));
    const secrets = options.secrets ?? new Keychain();
    if (secrets instanceof Keychain) await secrets.check();
    const config = await loadConfig(paths.config);
    const { store, warnings } = await StateStore.open(paths.state);
    const hub = new Hub(config, store, secrets, paths.home, paths.config, warnings);
    hub.log = logHubEvents(join(paths.logs, 'hub.log'));
    hub.subscribe(hub.log.listener);
    for (const warning of warnings) hub.emit({ event: 'notice', data: { level: 'warning', message: warning } });
    await hub.reattachAll();
    // In the background: a system that is slow or down must not hold up the hub's start.
    void hub.discovery.run();
    // Every face needs it: Electron's powerMonitor has no network event, and `serve` has no Electron at all.
    hub.stopNetworkWatch = watchNetwork(() => hub.networkChanged());
    return hub;
  }

  subscribe(listener: (event: HubEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  async listSystems(): Promise<MethodResult<'listSystems'>> {
    return Promise.all(this.systems.names().map((name) => this.systems.info(name, { lastOptions: this.store.lastOptions(name), presets: this.store.presets(name) })));
  }

  async listServers(): Promise<MethodResult<'listServers'>> {
    return [...this.runtimes.values()].map((r) => r.info());
  }

  async start(args: MethodArgs<'start'>): Promise<ServerInfo> {
    const system = this.systems.get(args.system);
    const userOptions = this.userOptions(args);
    const settings = this.systems.settings(args.system, userOptions);
    const name = args.name ?? this.freeName(args.system);
    const existing = this.runtimes.get(name);
    if (existing?.active) throw new HubError('conflict', `a server named "${name}" is already ${existing.info().status}`);
    await existing?.close();

    const record: ServerRecord = {
      name,
      system: args.system,
      kind: system.kind,
      userOptions,
      spawnerState: {},
      tunnel: {},
      status: 'starting',
      createdAt: new Date().toISOString(),
      readyAt: null,
      stoppedAt: null,
      exitStatus: null,
      reason: null,
    };
    await this.store.put(record);
    await this.store.setLastOptions(args.system, userOptions);
    await this.systemsChanged();
    const runtime = this.runtime(record, settings);
    this.runtimes.set(name, runtime);
    this.emit({ event: 'server', data: runtime.info() });
    // Jupyter's own tokens are 48 hex characters; this one never leaves the keychain except in `open`'s URL.
    void runtime.start(randomBytes(24).toString('hex'));
    return runtime.info();
  }

  async cancel(args: MethodArgs<'cancel'>): Promise<ServerInfo> {
    const runtime = this.find(args.name);
    if (!runtime.isStarting) throw new HubError('conflict', `${args.name} is ${runtime.info().status}; only a starting server can be cancelled`);
    runtime.cancel();
    return runtime.info();
  }

  async stop(args: MethodArgs<'stop'>): Promise<ServerInfo> {
    const runtime = this.find(args.name);
    if (!runtime.active) return runtime.info();
    await runtime.stop(args.now ?? false).catch((error: unknown) => {
      throw new HubError('failed', (error as Error).message);
    });
    return runtime.info();
  }

  async open(args: MethodArgs<'open'>): Promise<MethodResult<'open'>> {
    const runtime = this.find(args.name);
    let opened;
    try {
      opened = await runtime.openUrl();
    } catch (error) {
      throw new HubError('conflict', (error as Error).message);
    }
    // Faces that only follow the URL (a launch link, the tray) still tell the user through the notice.
    if (opened.note) this.emit({ event: 'notice', data: { level: 'info', message: `${args.name}: ${opened.note}` } });
    return opened;
  }

  async logs(args: MethodArgs<'logs'>): Promise<{ text: string }> {
    const runtime = this.find(args.name);
    try {
      return { text: await runtime.logs() };
    } catch (error) {
      throw new HubError('failed', `could not read the log of ${args.name}: ${(error as Error).message}`);
    }
  }

  async forget(args: MethodArgs<'forget'>): Promise<{ ok: true }> {
    const runtime = this.find(args.name);
    if (runtime.active) {
      throw new HubError('conflict', `${args.name} is ${runtime.info().status}; only a server that has ended can be forgotten (stop it first)`);
    }
    // Gone from the list, the record and the faces before anything waits, so that a start of the same name meanwhile
    // is neither removed nor hidden.
    this.runtimes.delete(args.name);
    const removed = this.store.remove(args.name);
    this.emit({ event: 'forgotten', data: { name: args.name } });
    await removed;
    await runtime.close();
    return { ok: true };
  }

  async pendingPrompts(): Promise<MethodResult<'pendingPrompts'>> {
    return this.prompts.list();
  }

  async answerPrompt(args: MethodArgs<'answerPrompt'>): Promise<{ ok: true }> {
    this.prompts.answer({ ...args, remember: args.remember ?? false });
    return { ok: true };
  }

  async setSecret(args: MethodArgs<'setSecret'>): Promise<{ ok: true }> {
    await this.secrets.set(settableKey(args.key), args.value);
    return { ok: true };
  }

  async deleteSecret(args: MethodArgs<'deleteSecret'>): Promise<{ deleted: boolean }> {
    return { deleted: await this.secrets.delete(settableKey(args.key)) };
  }

  async getSystemSettings(): Promise<MethodResult<'getSystemSettings'>> {
    return readSystemSettings(this.configFile);
  }

  async saveSystem(args: MethodArgs<'saveSystem'>): Promise<MethodResult<'saveSystem'>> {
    if (args.previous !== undefined && args.previous !== args.name) this.refuseIfInUse(args.previous, 'renamed');
    await writeSystem(this.configFile, args);
    return this.reloadConfig();
  }

  async removeSystem(args: MethodArgs<'removeSystem'>): Promise<MethodResult<'removeSystem'>> {
    this.refuseIfInUse(args.name, 'removed');
    await deleteSystem(this.configFile, args.name);
    return this.reloadConfig();
  }

  /**
   * Applies config.json as it is now. Running servers keep the settings they were started with, and an open prompt
   * its prompt_timeout.
   */
  async reloadConfig(): Promise<MethodResult<'reloadConfig'>> {
    try {
      const config = await loadConfig(this.configFile);
      this.systems = new Systems(config, this.deps);
      this.prompts.setTimeoutSeconds(config.prompt_timeout);
    } catch (error) {
      throw error instanceof ConfigError ? new HubError('bad-request', error.message) : error;
    }
    // A system that can have servers started elsewhere may be new.
    void this.discovery.run();
    return this.systemsChanged();
  }

  async testConnection(args: MethodArgs<'testConnection'>): Promise<MethodResult<'testConnection'>> {
    const parsed = SystemConfig.safeParse(args.settings);
    if (!parsed.success) throw new HubError('bad-request', describeZodError(parsed.error));
    return testConnection(parsed.data, this.deps);
  }

  async savePreset(args: MethodArgs<'savePreset'>): Promise<MethodResult<'savePreset'>> {
    // Checked like a start's options, so a preset always loads into a valid form.
    const options = this.userOptions({ system: args.system, options: args.options });
    await this.store.setPreset(args.system, args.preset.trim(), options);
    return this.systemInfo(args.system, await this.systemsChanged());
  }

  async deletePreset(args: MethodArgs<'deletePreset'>): Promise<MethodResult<'deletePreset'>> {
    this.systems.get(args.system);
    if (!(await this.store.setPreset(args.system, args.preset.trim(), null))) {
      throw new HubError('not-found', `${args.system} has no preset named "${args.preset}"`);
    }
    return this.systemInfo(args.system, await this.systemsChanged());
  }

  /** The machine is about to sleep (the tray calls this from powerMonitor). */
  suspend(): void {
    this.pool.suspend();
  }

  /** The machine woke up: probe every tunnel now rather than waiting for keepalives to time out. */
  wake(): void {
    void this.pool.wake();
  }

  /** The network changed (interfaces came or went, or the OS says online/offline): probe every tunnel now. */
  networkChanged(): void {
    void this.pool.networkChanged();
  }

  /** Stops watching servers and closes tunnels and connections; the servers themselves keep running. */
  async close(): Promise<void> {
    this.stopNetworkWatch();
    this.discovery.stop();
    await Promise.all([...this.runtimes.values()].map((r) => r.close()));
    await this.pool.close();
    await this.personalHub.close();
    this.emitter.removeAllListeners();
    // A quitting tray or `serve` exits right after this: the log's last lines (how a server ended) must be on disk.
    await this.log?.flushed();
  }

  private async reattachAll(): Promise<void> {
    const records = this.store.servers();
    await Promise.all(
      records.map(async (record) => {
        let settings;
        try {
          settings = this.systems.settings(record.system, record.userOptions);
        } catch (error) {
          this.warnings.push(`server ${record.name}: its system "${record.system}" is no longer usable (${(error as Error).message}); it is left as it is`);
          return;
        }
        const runtime = this.runtime(record, settings);
        this.runtimes.set(record.name, runtime);
        if (runtime.active) await runtime.reattach();
      }),
    );
  }

  /** A server found running on its system: listed under a free name and watched from now on. */
  private async adopt(system: string, server: DiscoveredServer): Promise<void> {
    const settings = this.systems.settings(system, {});
    const name = this.freeName(`${system}-${server.name}`);
    await this.runtimes.get(name)?.close();
    const at = server.startedAt ?? new Date().toISOString();
    const record: ServerRecord = {
      name,
      system,
      kind: settings.kind,
      userOptions: server.userOptions,
      spawnerState: server.state,
      tunnel: {},
      status: 'running',
      createdAt: at,
      readyAt: at,
      stoppedAt: null,
      exitStatus: null,
      reason: null,
    };
    await this.store.put(record);
    const runtime = this.runtime(record, settings);
    // Listed once it is reachable, not before: a listed running server has its URL.
    await runtime.adopt(server.token);
    this.runtimes.set(name, runtime);
  }

  private runtime(record: ServerRecord, settings: ReturnType<Systems['settings']>): ServerRuntime {
    return new ServerRuntime(record, this.systems.spawner(settings), settings, {
      store: this.store,
      secrets: this.secrets,
      pool: this.pool,
      changed: (info) => this.emit({ event: 'server', data: info }),
      progressed: (name, event) => this.emit({ event: 'progress', data: { name, event } }),
      notice: (level, message) => this.emit({ event: 'notice', data: { level, message } }),
      askingFor: (signal, work) => this.prompts.askingFor(signal, work),
    });
  }

  private userOptions(args: MethodArgs<'start'>): UserOptions {
    const form = this.systems.get(args.system).options_form;
    try {
      if (args.formData && args.options) throw new OptionsError('give either options or formData, not both');
      if (args.formData) return optionsFromForm(form, args.formData);
      if (args.options) return checkOptions(form, args.options);
      // Remembered options may name fields the form has since dropped; those are forgotten, not an error.
      const known = new Set(form.fields.map((f) => f.name));
      const last = Object.entries(this.store.lastOptions(args.system)).filter(([key]) => known.has(key));
      return checkOptions(form, Object.fromEntries(last));
    } catch (error) {
      if (error instanceof OptionsError) throw new HubError('bad-request', error.message);
      throw error;
    }
  }

  /** A readable default name derived from the system, numbered when taken by a server that still runs. */
  private freeName(system: string): string {
    const base = system.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'server';
    for (let n = 1; ; n++) {
      const name = n === 1 ? base : `${base}-${n}`;
      if (!this.runtimes.get(name)?.active) return name;
    }
  }

  private async systemsChanged(): Promise<SystemInfo[]> {
    const systems = await this.listSystems();
    this.emit({ event: 'systems', data: systems });
    return systems;
  }

  private systemInfo(name: string, systems: SystemInfo[]): SystemInfo {
    const info = systems.find((s) => s.name === name);
    if (!info) throw new HubError('not-found', `no system named "${name}"`);
    return info;
  }

  /** Servers keep their system's settings while they run, but a restarted hub must find the system to re-attach. */
  private refuseIfInUse(system: string, change: 'renamed' | 'removed'): void {
    const busy = [...this.runtimes.values()].filter((r) => r.active && r.info().system === system).map((r) => r.name);
    if (busy.length > 0) {
      throw new HubError('conflict', `"${system}" cannot be ${change} while ${busy.join(', ')} ${busy.length === 1 ? 'is' : 'are'} active on it; stop ${busy.length === 1 ? 'it' : 'them'} first`);
    }
  }

  private find(name: string): ServerRuntime {
    const runtime = this.runtimes.get(name);
    if (!runtime) throw new HubError('not-found', `no server named "${name}"`);
    return runtime;
  }

  private emit(event: HubEvent): void {
    this.emitter.emit('event', event);
  }
}

function settableKey(key: string): string {
  const problem = internalKeyProblem(key);
  if (problem) throw new HubError('bad-request', problem);
  return key;
}
