// The core half of every kind: for each kind in shared/kinds/registry.ts, the module kinds/<kind>/index.ts, which
// exports `kind` (its spawner, and optionally its connection test, discovery and live form). Loaded by that
// convention, so that adding a kind is one folder here, one file in shared/kinds/ and one line in its registry; a
// kind listed there without a folder here fails at load, naming the missing file.
import { kindNames } from '../../../shared/kinds/registry.js';
import type { SystemConfig } from '../../../shared/config.js';
import type { SystemKindModule } from '../spawner/kind-module.js';

type AnyKindModule = SystemKindModule<SystemConfig>;

async function load(name: string): Promise<[string, AnyKindModule]> {
  const file = `./${name}/index.js`;
  const loaded = (await import(file).catch((error: unknown) => {
    throw new Error(`kind "${name}" is listed in shared/kinds/registry.ts, but electron/core/kinds/${name}/index.ts cannot be loaded`, { cause: error });
  })) as { kind?: Partial<AnyKindModule> };
  if (typeof loaded.kind?.spawner !== 'function') throw new Error(`electron/core/kinds/${name}/index.ts must export \`kind\`, a SystemKindModule with a spawner`);
  return [name, loaded.kind as AnyKindModule];
}

const modules = new Map(await Promise.all(kindNames.map(load)));

export function kindOf<C extends SystemConfig>(config: C): SystemKindModule<C> {
  const module = modules.get(config.kind);
  if (!module) throw new Error(`no core module for kind "${config.kind}"`);
  return module as unknown as SystemKindModule<C>;
}
