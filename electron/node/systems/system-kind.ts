// What a kind of system (local, ssh, and later outpost, jupyterhub, slurm) contributes: its settings schema, a
// description for people, and its spawner. A new kind is one module plus one line in registry.ts.
import type { z } from 'zod';
import type { SystemConfig } from '../../../shared/config.js';
import type { Spawner } from '../spawners/spawner.js';
import type { SshPool } from '../ssh/ssh-pool.js';

export interface SpawnerDeps {
  pool: SshPool;
  /** Where this computer's run folders live (HUBTRAY_HOME/run). */
  runRoot: string;
}

export interface SystemKindModule<C extends SystemConfig> {
  /** Re-validates settings after apply_user_options changed them. */
  schema: z.ZodType<C>;
  describe(config: C): string;
  spawner(config: C, deps: SpawnerDeps): Spawner;
}
