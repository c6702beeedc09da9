// The servers the Hub knows: one ServerRuntime per name, made from a ServerRecord in one way whether the server is
// started here, re-attached after a restart, or adopted after being found running elsewhere. Names are unique among
// listed servers; a name whose server has ended may be taken again.
import { randomBytes } from 'node:crypto';
import { HubError, type ServerInfo } from '../../../shared/api.js';
import { errorMessage } from '../../../shared/error-message.js';
import type { SystemConfig } from '../../../shared/config.js';
import type { UserOptions } from '../../../shared/forms.js';
import type { DiscoveredServer } from '../spawner/kind-module.js';
import type { JsonObject } from '../spawner/spawner.js';
import type { ServerRecord } from '../state/server-record.js';
import type { HubParts } from './hub-parts.js';
import { FORGETTABLE_STATUSES } from './server-lifecycle.js';
import { ServerRuntime } from './server-runtime.js';
import type { Systems } from './systems.js';

type RecordStart = Pick<ServerRecord, 'name' | 'system' | 'kind' | 'userOptions' | 'spawnerState' | 'status' | 'createdAt' | 'readyAt'>;

/** A record as the Hub first writes it; every way a server comes to be listed goes through here. */
function newRecord(start: RecordStart): ServerRecord {
  return { ...start, tunnel: {}, stoppedAt: null, exitStatus: null, reason: null };
}

export class ServerRegistry {
  private readonly runtimes = new Map<string, ServerRuntime>();

  constructor(
    private readonly parts: Pick<HubParts, 'store' | 'secrets' | 'pool' | 'events' | 'prompts'>,
    /** The systems as configured now; a reload replaces them, running servers keep their settings. */
    private readonly systems: () => Systems,
  ) {}

  list(): ServerInfo[] {
    return [...this.runtimes.values()].map((r) => r.info());
  }

  /** Spawner states of the active servers (starting ones included, so that discovery does not adopt a start). */
  activeStates(): JsonObject[] {
    return [...this.runtimes.values()].filter((r) => r.active).map((r) => r.spawnerState());
  }

  find(name: string): ServerRuntime {
    const runtime = this.runtimes.get(name);
    if (!runtime) throw new HubError('not-found', `no server named "${name}"`);
    return runtime;
  }

  /** Records a new server and starts it in the background; its progress and end arrive as events. */
  async start(system: string, name: string | undefined, userOptions: UserOptions, settings: SystemConfig): Promise<ServerInfo> {
    const chosen = name ?? this.freeName(system);
    const existing = this.runtimes.get(chosen);
    if (existing?.active) throw new HubError('conflict', `a server named "${chosen}" is already ${existing.info().status}`);
    await existing?.close();
    const record = newRecord({
      name: chosen,
      system,
      kind: settings.kind,
      userOptions,
      spawnerState: {},
      status: 'starting',
      createdAt: new Date().toISOString(),
      readyAt: null,
    });
    try {
      await this.parts.store.put(record);
    } catch (error) {
      // Not on disk, so not started: a hub killed now would not know of it. The record leaves memory too, so that the
      // store's retry does not save a start that never ran (an ended server of the same name was replaced by it).
      if (existing && this.runtimes.delete(chosen)) this.parts.events.emit({ event: 'forgotten', data: { name: chosen } });
      await this.parts.store.remove(chosen).catch(() => false);
      throw error;
    }
    const runtime = this.runtime(record, settings);
    this.runtimes.set(chosen, runtime);
    this.parts.events.emit({ event: 'server', data: runtime.info() });
    // Jupyter's own tokens are 48 hex characters; this one never leaves the keychain except in `open`'s URL.
    this.parts.events.background(`starting ${chosen}`, runtime.start(randomBytes(24).toString('hex')));
    return runtime.info();
  }

  /** After a restart: every saved server gets its runtime back, and those that may still run are re-attached. */
  async reattachAll(warn: (message: string) => void): Promise<void> {
    await Promise.all(
      this.parts.store.servers().map(async (record) => {
        let settings;
        try {
          settings = this.systems().settings(record.system, record.userOptions);
        } catch (error) {
          warn(`server ${record.name}: its system "${record.system}" is no longer usable (${errorMessage(error)}); it is left as it is`);
          return;
        }
        const runtime = this.runtime(record, settings);
        this.runtimes.set(record.name, runtime);
        if (runtime.active) await runtime.reattach();
      }),
    );
  }

  /** A server found running on its system: listed under a free name and watched from now on. */
  async adopt(system: string, server: DiscoveredServer): Promise<void> {
    const settings = this.systems().settings(system, {});
    const name = this.freeName(`${system}-${server.name}`);
    await this.runtimes.get(name)?.close();
    const at = server.startedAt ?? new Date().toISOString();
    const record = newRecord({ name, system, kind: settings.kind, userOptions: server.userOptions, spawnerState: server.state, status: 'running', createdAt: at, readyAt: at });
    await this.parts.store.put(record);
    const runtime = this.runtime(record, settings);
    // Listed once it is reachable, not before: a listed running server has its URL.
    await runtime.adopt(server.token);
    this.runtimes.set(name, runtime);
  }

  /** Drops a server that has ended, or a lost one the user gives up on, from the list and the state file. */
  async forget(name: string): Promise<void> {
    const runtime = this.find(name);
    const { status } = runtime.info();
    if (!FORGETTABLE_STATUSES.includes(status)) {
      throw new HubError('conflict', `${name} is ${status}; only a server that has ended or is lost can be forgotten (stop it first)`);
    }
    // Gone from the list, the record and the faces before anything waits, so that a start of the same name meanwhile
    // is neither removed nor hidden.
    this.runtimes.delete(name);
    const removed = this.parts.store.remove(name);
    this.parts.events.emit({ event: 'forgotten', data: { name } });
    await removed;
    await runtime.close();
  }

  /** Servers keep their system's settings while they run, but a restarted hub must find the system to re-attach. */
  refuseIfInUse(system: string, change: 'renamed' | 'removed'): void {
    const busy = [...this.runtimes.values()].filter((r) => r.active && r.info().system === system).map((r) => r.name);
    if (busy.length > 0) {
      throw new HubError('conflict', `"${system}" cannot be ${change} while ${busy.join(', ')} ${busy.length === 1 ? 'is' : 'are'} active on it; stop ${busy.length === 1 ? 'it' : 'them'} first`);
    }
  }

  /** The state store saved again after failing: every server's changes are on disk. */
  saved(): void {
    for (const runtime of this.runtimes.values()) runtime.saved();
  }

  /** Stops watching every server; the servers themselves keep running. */
  async close(): Promise<void> {
    await Promise.all([...this.runtimes.values()].map((r) => r.close()));
  }

  /** A readable default name derived from the system, numbered when taken by a server that still runs. */
  private freeName(system: string): string {
    const base = system.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'server';
    for (let n = 1; ; n++) {
      const name = n === 1 ? base : `${base}-${n}`;
      if (!this.runtimes.get(name)?.active) return name;
    }
  }

  private runtime(record: ServerRecord, settings: SystemConfig): ServerRuntime {
    const { store, secrets, pool, events, prompts } = this.parts;
    return new ServerRuntime(record, this.systems().spawner(settings), settings, {
      store,
      secrets,
      pool,
      changed: (info) => events.emit({ event: 'server', data: info }),
      progressed: (name, event) => events.emit({ event: 'progress', data: { name, event } }),
      notice: (level, message, topic) => events.notice(level, message, { server: record.name, ...(topic ? { topic } : {}) }),
      background: (what, task) => events.background(what, task),
      askingFor: (signal, work) => prompts.askingFor(signal, work),
    });
  }
}
