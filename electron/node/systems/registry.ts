// Every kind of system hubtray knows, by the `kind` a config names. The mapped type makes a missing kind a
// compile error when shared/config.ts gains one.
import type { SystemKind } from '../../../shared/api.js';
import type { SystemConfig } from '../../../shared/config.js';
import { jupyterhubKind } from './jupyterhub.js';
import { localKind } from './local.js';
import { outpostKind } from './outpost.js';
import { slurmKind } from './slurm.js';
import { sshKind } from './ssh.js';
import type { SystemKindModule } from './system-kind.js';

// The contract's SystemKind and config.json's kinds must be the same set; this fails to compile otherwise.
type SameKinds = [SystemKind] extends [SystemConfig['kind']] ? ([SystemConfig['kind']] extends [SystemKind] ? true : false) : false;
const sameKinds: SameKinds = true;
void sameKinds;

type Registry = { [K in SystemConfig['kind']]: SystemKindModule<Extract<SystemConfig, { kind: K }>> };

const registry: Registry = {
  local: localKind,
  ssh: sshKind,
  jupyterhub: jupyterhubKind,
  slurm: slurmKind,
  outpost: outpostKind,
};

export function kindOf<C extends SystemConfig>(config: C): SystemKindModule<C> {
  return registry[config.kind] as unknown as SystemKindModule<C>;
}
