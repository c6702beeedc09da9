// The Hub: the HubApi contract of shared/api.ts, which every face (Electron IPC, the local API server, the CLI)
// drives. Plain Node. It owns the systems (config.json), the servers (server-registry.ts) and the events; what it is
// made of is built in hub-parts.ts.
import { join } from 'node:path';
import {
  describeZodError,
  HubError,
  type HubApi,
  type HubEvent,
  type HubEventSource,
  type LogChunk,
  type LogFollowing,
  type MethodArgs,
  type MethodResult,
  type ServerInfo,
  type SystemInfo,
} from '../../../shared/api.js';
import { errorMessage } from '../../../shared/error-message.js';
import { checkOptions, optionsFromForm, OptionsError, type UserOptions } from '../../../shared/forms.js';
import { ConfigError, SystemConfig } from '../../../shared/config.js';
import { boundedText } from '../../../shared/text.js';
import { defaultForwardName } from '../../../shared/forwards.js';
import { loadConfig } from '../config/load-config.js';
import { internalKeyProblem } from '../secrets/secret-store.js';
import { watchNetwork } from '../ssh/ssh-pool.js';
import { logHubEvents, type HubLog } from './hub-log.js';
import { buildHubParts, type HubOptions, type HubParts } from './hub-parts.js';
import { ServerRegistry } from './server-registry.js';
import { ForwardRefused } from './server-forwards.js';
import { RecentStarts } from './recent-starts.js';
import { Systems } from './systems.js';
import { SystemList } from './system-list.js';
import { SystemAddresses } from './system-addresses.js';
import { Discovery } from './server-discovery.js';
import { deleteSystem, readSystemSettings, writeSystem } from './system-settings.js';
import { sshHostAliases } from '../ssh/ssh-config-aliases.js';
import { earlierChunk, LogFollows } from './log-follows.js';
import { redact } from './redact.js';
import { loadKinds } from '../kinds/registry.js';

export type { HubOptions } from './hub-parts.js';

export class Hub implements HubApi, HubEventSource, LogFollowing {
  private systems: Systems;
  private readonly systemList: SystemList;
  private readonly servers: ServerRegistry;
  private readonly discovery: Discovery;
  private readonly recentStarts = new RecentStarts();
  private readonly addresses = new SystemAddresses();
  private readonly logFollows = new LogFollows((name) => this.servers.find(name));
  private stopTroubleWatch: () => void = () => undefined;
  private stopNetworkWatch: () => void = () => undefined;
  private log: HubLog | undefined;
  /**
   * Start-up problems worth showing (a corrupt state file kept as a backup, a server whose system is gone). Every
   * subscriber gets them as notices when it subscribes, so a window opened later shows them too.
   */
  readonly warnings: string[];

  private constructor(private readonly parts: HubParts) {
    this.warnings = parts.warnings;
    this.systems = new Systems(parts.config, parts.deps);
    this.systemList = new SystemList({
      systems: () => this.systems,
      remembered: (name) => {
        const address = this.addresses.get(this.systems.get(name));
        return {
          lastOptions: parts.store.lastOptions(name),
          presets: parts.store.presets(name),
          ...(parts.store.lastSystem() === name ? { lastUsed: true } : {}),
          ...(address ? { address } : {}),
        };
      },
      refresh: () => this.addresses.refresh(this.systems.configs()),
      announce: (systems) => parts.events.emit({ event: 'systems', data: systems }),
    });
    this.servers = new ServerRegistry(parts, () => this.systems);
    this.discovery = new Discovery(
      {
        systems: () => this.systems.names().map((name) => ({ name, config: this.systems.get(name) })),
        known: () => this.servers.activeStates(),
        adopt: (system, server) => this.servers.adopt(system, server),
        trouble: (system, error) =>
          error
            ? parts.events.notice('warning', boundedText(`could not list the servers on ${system}: ${error.message}`))
            : parts.events.notice('info', `listing the servers on ${system} works again`),
      },
      parts.deps,
    );
  }

  /** Loads config and state, checks the keychain (loudly), and re-attaches to servers that still run. */
  static async open(options: HubOptions = {}): Promise<Hub> {
    const hub = new Hub(await buildHubParts(options));
    hub.log = logHubEvents(join(hub.parts.paths.logs, 'hub.log'));
    hub.subscribe(hub.log.listener);
    await hub.servers.reattachAll((warning) => hub.warn(warning));
    hub.stopTroubleWatch = hub.parts.store.onTrouble((problem) => {
      if (problem === null) {
        hub.servers.saved();
        hub.parts.events.notice('info', 'hubtray can save its state again; every change is on disk');
      } else hub.parts.events.notice('error', `${problem}; hubtray keeps running and saves as soon as it can`);
    });
    // In the background: a system that is slow or down must not hold up the hub's start.
    hub.parts.events.background('listing the servers on every system', hub.discovery.run());
    // Every face needs it: Electron's powerMonitor has no network event, and `serve` has no Electron at all.
    hub.stopNetworkWatch = watchNetwork(() => hub.networkChanged());
    return hub;
  }

  subscribe(listener: (event: HubEvent) => void): () => void {
    const unsubscribe = this.parts.events.subscribe(listener);
    for (const message of this.warnings) listener({ event: 'notice', data: { level: 'warning', message } });
    return unsubscribe;
  }

  /** Tells every face something that is not about one server's progress (and hub.log keeps it). */
  notice(level: 'info' | 'warning' | 'error', message: string): void {
    this.parts.events.notice(level, message);
  }

  /** A start-up problem (of the Hub's, or of the face that runs it): told to every subscriber now, and to every later one when it subscribes. */
  warn(message: string): void {
    this.warnings.push(message);
    this.parts.events.notice('warning', message);
  }

  async listSystems(): Promise<MethodResult<'listSystems'>> {
    return this.systemList.list();
  }

  async listServers(): Promise<MethodResult<'listServers'>> {
    return this.servers.list();
  }

  async start(args: MethodArgs<'start'>): Promise<ServerInfo> {
    return this.recentStarts.once(args.requestId, async () => {
      const userOptions = this.userOptions(args);
      const settings = this.systems.settings(args.system, userOptions);
      const info = await this.servers.start(args.system, args.name, userOptions, settings);
      // The server is started; options that cannot be remembered now (a full disk) must not make the start fail.
      await this.parts.store.setLastOptions(args.system, userOptions).catch(() => false);
      await this.parts.store.setLastSystem(args.system).catch(() => undefined);
      // Every system's entry is built afresh (the one used before loses lastUsed); only this one's form is asked again.
      await this.systemsChanged([args.system]);
      return info;
    });
  }

  async cancel(args: MethodArgs<'cancel'>): Promise<ServerInfo> {
    const runtime = this.servers.find(args.name);
    if (!runtime.isStarting) throw new HubError('conflict', `${args.name} is ${runtime.info().status}; only a starting server can be cancelled`);
    runtime.cancel();
    return runtime.info();
  }

  async stop(args: MethodArgs<'stop'>): Promise<ServerInfo> {
    const runtime = this.servers.find(args.name);
    if (!runtime.active) return runtime.info();
    await runtime.stop(args.now ?? false).catch((error: unknown) => {
      throw new HubError('failed', errorMessage(error));
    });
    return runtime.info();
  }

  async recheck(args: MethodArgs<'recheck'>): Promise<ServerInfo> {
    const runtime = this.servers.find(args.name);
    const { status } = runtime.info();
    if (status !== 'running' && status !== 'lost') throw new HubError('conflict', `${args.name} is ${status}; only a running or lost server can be checked`);
    await runtime.recheck();
    return runtime.info();
  }

  async keepRunning(args: MethodArgs<'keepRunning'>): Promise<ServerInfo> {
    const runtime = this.servers.find(args.name);
    const { status } = runtime.info();
    if (status !== 'running') throw new HubError('conflict', `${args.name} is ${status}; only a running server can be kept running`);
    try {
      await runtime.keepRunning();
    } catch (error) {
      throw new HubError('conflict', errorMessage(error));
    }
    return runtime.info();
  }

  async forward(args: MethodArgs<'forward'>): Promise<ServerInfo> {
    const runtime = this.servers.find(args.name);
    const wish = { name: args.label ?? defaultForwardName(args.remotePort), remotePort: args.remotePort, chosen: Boolean(args.localPort), origin: 'added' as const };
    try {
      await runtime.addForward(args.localPort ? { ...wish, localPort: args.localPort } : wish);
    } catch (error) {
      throw new HubError(error instanceof ForwardRefused ? 'conflict' : 'failed', boundedText(`cannot forward port ${args.remotePort} of ${args.name}: ${errorMessage(error)}`));
    }
    return runtime.info();
  }

  async listeningPorts(args: MethodArgs<'listeningPorts'>): Promise<MethodResult<'listeningPorts'>> {
    const runtime = this.servers.find(args.name);
    try {
      return { ports: await runtime.listeningPorts() };
    } catch (error) {
      throw new HubError(error instanceof ForwardRefused ? 'conflict' : 'failed', boundedText(`cannot list the ports ${args.name} listens on: ${errorMessage(error)}`));
    }
  }

  async unforward(args: MethodArgs<'unforward'>): Promise<ServerInfo> {
    const runtime = this.servers.find(args.name);
    if (!(await runtime.removeForward(args.forward))) {
      const what = typeof args.forward === 'number' ? `remote port ${args.forward}` : `"${args.forward}"`;
      throw new HubError('not-found', `${args.name} has no forward of ${what}; \`hubtray list\` shows its forwards`);
    }
    return runtime.info();
  }

  async kernels(args: MethodArgs<'kernels'>): Promise<MethodResult<'kernels'>> {
    const runtime = this.servers.find(args.name);
    try {
      return await runtime.kernels();
    } catch (error) {
      throw new HubError('failed', boundedText(`could not ask ${args.name} for its kernels: ${errorMessage(error)}`));
    }
  }

  async open(args: MethodArgs<'open'>): Promise<MethodResult<'open'>> {
    const runtime = this.servers.find(args.name);
    let opened;
    try {
      opened = await runtime.openUrl();
    } catch (error) {
      throw new HubError('conflict', errorMessage(error));
    }
    // Faces that only follow the URL (a launch link, the tray) still tell the user through the notice.
    if (opened.note) this.parts.events.notice('info', `${args.name}: ${opened.note}`);
    return opened;
  }

  followLog(name: string, listener: (chunk: LogChunk) => void): () => void {
    return this.logFollows.follow(name, listener);
  }

  async earlierLog(args: MethodArgs<'earlierLog'>): Promise<LogChunk> {
    const source = this.servers.find(args.name).logSource();
    try {
      return await earlierChunk(args.name, source, args.before);
    } catch (error) {
      if (error instanceof HubError) throw error;
      throw new HubError('failed', `could not read the log of ${args.name}: ${redact(errorMessage(error), source.secrets())}`);
    }
  }

  async logs(args: MethodArgs<'logs'>): Promise<{ text: string }> {
    const runtime = this.servers.find(args.name);
    try {
      return { text: args.events ? runtime.fullEvents() : await runtime.logs() };
    } catch (error) {
      throw new HubError('failed', `could not read the log of ${args.name}: ${errorMessage(error)}`);
    }
  }

  async forget(args: MethodArgs<'forget'>): Promise<{ ok: true }> {
    await this.servers.forget(args.name);
    return { ok: true };
  }

  async pendingPrompts(): Promise<MethodResult<'pendingPrompts'>> {
    return this.parts.prompts.list();
  }

  async answerPrompt(args: MethodArgs<'answerPrompt'>): Promise<{ ok: true }> {
    this.parts.prompts.answer({ ...args, remember: args.remember ?? false });
    return { ok: true };
  }

  async setSecret(args: MethodArgs<'setSecret'>): Promise<{ ok: true }> {
    await this.parts.secrets.set(settableKey(args.key), args.value);
    return { ok: true };
  }

  async deleteSecret(args: MethodArgs<'deleteSecret'>): Promise<{ deleted: boolean }> {
    return { deleted: await this.parts.secrets.delete(settableKey(args.key)) };
  }

  async getSystemSettings(): Promise<MethodResult<'getSystemSettings'>> {
    return readSystemSettings(this.parts.paths.config);
  }

  async saveSystem(args: MethodArgs<'saveSystem'>): Promise<MethodResult<'saveSystem'>> {
    if (args.previous !== undefined && args.previous !== args.name) this.servers.refuseIfInUse(args.previous, 'renamed');
    await writeSystem(this.parts.paths.config, args);
    return this.reloadConfig();
  }

  async removeSystem(args: MethodArgs<'removeSystem'>): Promise<MethodResult<'removeSystem'>> {
    this.servers.refuseIfInUse(args.name, 'removed');
    await deleteSystem(this.parts.paths.config, args.name);
    return this.reloadConfig();
  }

  /**
   * Applies config.json as it is now. Running servers keep the settings they were started with, and an open prompt
   * its prompt_timeout.
   */
  async reloadConfig(): Promise<MethodResult<'reloadConfig'>> {
    try {
      const config = await loadConfig(this.parts.paths.config);
      await loadKinds(Object.values(config.systems).map((system) => system.kind));
      this.systems = new Systems(config, this.parts.deps);
      this.parts.prompts.setTimeoutSeconds(config.prompt_timeout);
    } catch (error) {
      throw error instanceof ConfigError ? new HubError('bad-request', error.message) : error;
    }
    // A system that can have servers started elsewhere may be new.
    this.parts.events.background('listing the servers on every system', this.discovery.run());
    return this.systemsChanged();
  }

  async testConnection(args: MethodArgs<'testConnection'>): Promise<MethodResult<'testConnection'>> {
    const parsed = SystemConfig.safeParse(args.settings);
    if (!parsed.success) throw new HubError('bad-request', describeZodError(parsed.error));
    await loadKinds([parsed.data.kind]);
    return this.systems.test(parsed.data);
  }

  async sshHostAliases(): Promise<MethodResult<'sshHostAliases'>> {
    return sshHostAliases();
  }

  async savePreset(args: MethodArgs<'savePreset'>): Promise<MethodResult<'savePreset'>> {
    // Checked like a start's options, so a preset always loads into a valid form.
    const options = this.userOptions({ system: args.system, options: args.options });
    await this.parts.store.setPreset(args.system, args.preset.trim(), options);
    return this.systemInfo(args.system, await this.systemsChanged());
  }

  async deletePreset(args: MethodArgs<'deletePreset'>): Promise<MethodResult<'deletePreset'>> {
    this.systems.get(args.system);
    if (!(await this.parts.store.setPreset(args.system, args.preset.trim(), null))) {
      throw new HubError('not-found', `${args.system} has no preset named "${args.preset}"`);
    }
    return this.systemInfo(args.system, await this.systemsChanged());
  }

  /** The machine is about to sleep (the tray calls this from powerMonitor). */
  suspend(): void {
    this.parts.pool.suspend();
  }

  /** The machine woke up: probe every tunnel now rather than waiting for keepalives to time out. */
  wake(): void {
    this.parts.events.background('probing the tunnels after a wake-up', this.parts.pool.wake());
  }

  /** The network changed (interfaces came or went, or the OS says online/offline): probe every tunnel now. */
  networkChanged(): void {
    this.parts.events.background('probing the tunnels after a network change', this.parts.pool.networkChanged());
  }

  /** Stops watching servers and closes tunnels and connections; the servers themselves keep running. */
  async close(): Promise<void> {
    this.stopNetworkWatch();
    this.logFollows.close();
    this.discovery.stop();
    await this.servers.close();
    this.stopTroubleWatch();
    await this.parts.store.close();
    await this.parts.pool.close();
    await this.parts.personalHub.close();
    this.parts.events.close();
    // A quitting tray or `serve` exits right after this: the log's last lines (how a server ended) must be on disk.
    await this.log?.flushed();
  }

  private userOptions(args: MethodArgs<'start'>): UserOptions {
    const form = this.systems.get(args.system).options_form;
    try {
      if (args.formData && args.options) throw new OptionsError('give either options or formData, not both');
      if (args.formData) return optionsFromForm(form, args.formData);
      if (args.options) return checkOptions(form, args.options);
      // Remembered options may name fields the form has since dropped; those are forgotten, not an error.
      const known = new Set(form.fields.map((f) => f.name));
      const last = Object.entries(this.parts.store.lastOptions(args.system)).filter(([key]) => known.has(key));
      return checkOptions(form, Object.fromEntries(last));
    } catch (error) {
      if (error instanceof OptionsError) throw new HubError('bad-request', error.message);
      throw error;
    }
  }

  /** `ask`: the systems whose form may have changed (default: all); the others are listed as last known. */
  private async systemsChanged(ask?: string[]): Promise<SystemInfo[]> {
    const systems = await this.systemList.list(ask);
    this.parts.events.emit({ event: 'systems', data: systems });
    return systems;
  }

  private systemInfo(name: string, systems: SystemInfo[]): SystemInfo {
    const info = systems.find((s) => s.name === name);
    if (!info) throw new HubError('not-found', `no system named "${name}"`);
    return info;
  }
}

function settableKey(key: string): string {
  const problem = internalKeyProblem(key);
  if (problem) throw new HubError('bad-request', problem);
  return key;
}
