// Where each SSH system's login goes (user@host:port, and the jump hosts on the way), as the user's ssh config
// resolves it, for the system cards: the alias a user typed says little about where it leads. The config is read
// anew for every list, since the user may edit it at any time, but a list waits for it only the first time and then
// at most ADDRESS_WAIT_MS (a Match exec may take up to 5 s); later, the last resolution shows while a new one runs.
// A config that cannot be resolved (a refused keyword) shows no address: the start and Test connection say why.
import type { SystemAddress } from '../../../shared/api.js';
import type { SystemConfig } from '../../../shared/config.js';
import { resolveForTransport, type HostSettings } from '../ssh/ssh-config.js';
import { userSshConfigPath } from '../ssh/ssh-config-aliases.js';
import { sshTarget } from '../ssh/ssh-target.js';

const ADDRESS_WAIT_MS = 2_000;

export class SystemAddresses {
  // By settings object: a system edited in config.json is a new object with perhaps another host.
  private readonly known = new WeakMap<SystemConfig, SystemAddress | null>();
  private readonly resolving = new WeakMap<SystemConfig, Promise<void>>();

  /** Resolves every SSH system's address anew; waits (boundedly) only for those never resolved yet. */
  async refresh(systems: readonly SystemConfig[]): Promise<void> {
    const asked = systems.filter((config) => 'host' in config).map((config) => ({ first: !this.known.has(config), done: this.resolve(config) }));
    const firsts = asked.filter(({ first }) => first).map(({ done }) => done);
    if (firsts.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(firsts), new Promise<void>((resolve) => (timer = setTimeout(resolve, ADDRESS_WAIT_MS).unref()))]);
    clearTimeout(timer);
  }

  /** The last address resolved for this system; undefined when not yet resolved, not an SSH system, or unresolvable. */
  get(config: SystemConfig): SystemAddress | undefined {
    return this.known.get(config) ?? undefined;
  }

  private resolve(config: SystemConfig): Promise<void> {
    const under = this.resolving.get(config);
    if (under || !('host' in config)) return under ?? Promise.resolve();
    const done = resolveForTransport(sshTarget(config), userSshConfigPath())
      .then(
        ({ chain }) => this.known.set(config, addressOf(chain)),
        () => this.known.set(config, null),
      )
      .then(() => void this.resolving.delete(config));
    this.resolving.set(config, done);
    return done;
  }
}

function addressOf(chain: HostSettings[]): SystemAddress | null {
  const target = chain.at(-1);
  if (!target) return null;
  return { user: target.user, host: target.hostname, port: target.port, via: chain.slice(0, -1).map((hop) => `${hop.user}@${hop.hostname}:${hop.port}`) };
}
