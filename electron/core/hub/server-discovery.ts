// Finds servers the user started on a system without hubtray (e.g. on a JupyterHub's own page), so that they are
// listed, opened and stopped like the others. Only kinds with a `discover` hook take part; each round asks every such
// system once, and the loop ticks at the shortest poll_interval among them.
import type { SystemConfig } from '../../../shared/config.js';
import type { JsonObject } from '../spawner/spawner.js';
import { kindOf } from '../kinds/registry.js';
import type { DiscoveredServer, SpawnerDeps } from '../spawner/kind-module.js';

export interface DiscoveryHost {
  systems(): Array<{ name: string; config: SystemConfig }>;
  /** Spawner states of the active servers hubtray lists (starting ones included, so a start is not adopted). */
  known(): JsonObject[];
  adopt(system: string, server: DiscoveredServer): Promise<void>;
  /** Called once when a system's discovery starts failing, and with null once it works again. */
  trouble(system: string, error: Error | null): void;
}

export class Discovery {
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private readonly failing = new Set<string>();
  private stopped = false;

  constructor(
    private readonly host: DiscoveryHost,
    private readonly deps: SpawnerDeps,
  ) {}

  /** Runs a round now, then one every poll_interval; a round already under way is shared. */
  run(): Promise<void> {
    this.round ??= this.once().finally(() => {
      this.round = null;
      this.schedule();
    });
    return this.round;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async once(): Promise<void> {
    for (const { name, config } of this.host.systems()) {
      const discover = kindOf(config).discover;
      if (!discover || this.stopped) continue;
      try {
        for (const server of await discover(config, this.deps, this.host.known())) {
          if (!this.stopped) await this.host.adopt(name, server);
        }
        if (this.failing.delete(name)) this.host.trouble(name, null);
      } catch (error) {
        if (!this.failing.has(name)) this.host.trouble(name, error as Error);
        this.failing.add(name);
      }
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    const intervals = this.host
      .systems()
      .filter(({ config }) => kindOf(config).discover)
      .map(({ config }) => config.poll_interval);
    if (intervals.length === 0) return;
    if (this.timer) clearTimeout(this.timer);
    // once() reports each system's trouble itself; this catch owns whatever else a round could throw.
    this.timer = setTimeout(() => this.run().catch((error: unknown) => this.host.trouble('every system', error as Error)), Math.min(...intervals) * 1000);
    this.timer.unref();
  }
}
