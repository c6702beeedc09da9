// The core half of every kind: for each kind in shared/kinds/registry.ts, the module kinds/<kind>/index.ts, which
// exports `kind` (its spawner, and optionally its connection test, discovery and live form). Adding a kind is one
// folder here, one file in shared/kinds/, one line in its registry and one line below; the table's type makes a kind
// without its line here a type error. Each import names its file, so that a bundler (the CLI's) sees every kind.
//
// A kind is loaded when a system of it is first configured, saved in the state or tested (loadKinds), not at
// start-up: a hub with only local systems never loads the JupyterHub client, the Outpost TLS relay or undici's
// dispatchers behind them, and the resident process stays smaller.
import { kindNames } from '../../../shared/kinds/registry.js';
import type { SystemConfig } from '../../../shared/config.js';
import type { SystemKindModule } from '../spawner/kind-module.js';

type AnyKindModule = SystemKindModule<SystemConfig>;

const importers: Record<SystemConfig['kind'], () => Promise<unknown>> = {
  local: () => import('./local/index.js'),
  ssh: () => import('./ssh/index.js'),
  slurm: () => import('./slurm/index.js'),
  jupyterhub: () => import('./jupyterhub/index.js'),
  outpost: () => import('./outpost/index.js'),
};

const loading = new Map<string, Promise<AnyKindModule>>();
const modules = new Map<string, AnyKindModule>();

async function load(name: string): Promise<AnyKindModule> {
  if (!kindNames.includes(name as SystemConfig['kind'])) throw new Error(`no core module for kind "${name}": shared/kinds/registry.ts lists ${kindNames.join(', ')}`);
  const loaded = (await importers[name as SystemConfig['kind']]().catch((error: unknown) => {
    throw new Error(`kind "${name}" is listed in shared/kinds/registry.ts, but electron/core/kinds/${name}/index.ts cannot be loaded`, { cause: error });
  })) as { kind?: Partial<AnyKindModule> };
  if (typeof loaded.kind?.spawner !== 'function') throw new Error(`electron/core/kinds/${name}/index.ts must export \`kind\`, a SystemKindModule with a spawner`);
  modules.set(name, loaded.kind as AnyKindModule);
  return loaded.kind as AnyKindModule;
}

/** Loads the core modules of these kinds (each once; a failed load is tried again at the next call). */
export async function loadKinds(names: Iterable<string>): Promise<void> {
  await Promise.all(
    [...new Set(names)].map((name) => {
      let pending = loading.get(name);
      if (!pending) {
        pending = load(name);
        loading.set(name, pending);
        pending.catch(() => loading.delete(name));
      }
      return pending;
    }),
  );
}

/** Every kind's module: for what lists them all (the architecture test). */
export function loadAllKinds(): Promise<void> {
  return loadKinds(kindNames);
}

/** The core module of a kind loadKinds has loaded; a kind not loaded yet is a bug in the caller, said so. */
export function kindOf<C extends SystemConfig>(config: C): SystemKindModule<C> {
  const module = modules.get(config.kind);
  if (!module) throw new Error(`the core module of kind "${config.kind}" is not loaded: loadKinds() must come first`);
  return module as unknown as SystemKindModule<C>;
}
