// The Hub's composition root: everything a Hub is made of, built once from HUBTRAY_HOME (config, state, keychain,
// the SSH pool, prompts, the personal hub API, hooks), so that hub.ts only implements the contract over them.
import { join } from 'node:path';
import type { HubConfig } from '../../../shared/config.js';
import { loadConfig } from '../config/load-config.js';
import { ensureHubHome, hubPaths, type HubPaths } from '../config/paths.js';
import { Hooks } from '../hooks/hooks.js';
import { PromptBroker } from '../prompts/prompt-broker.js';
import { Keychain } from '../secrets/keychain.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { PersonalHub } from '../singleuser-api/personal-hub.js';
import type { SpawnerDeps } from '../spawner/kind-module.js';
import { SshPool } from '../ssh/ssh-pool.js';
import { StateStore } from '../state/state-store.js';
import { HubEvents } from './hub-events.js';
import { loadKinds } from '../kinds/registry.js';

export interface HubOptions {
  /** HUBTRAY_HOME; defaults to the environment variable or the OS per-user config folder. */
  home?: string;
  secrets?: SecretStore;
}

export interface HubParts {
  paths: HubPaths;
  config: HubConfig;
  store: StateStore;
  secrets: SecretStore;
  events: HubEvents;
  prompts: PromptBroker;
  pool: SshPool;
  personalHub: PersonalHub;
  /** What every spawner gets. */
  deps: SpawnerDeps;
  /** Start-up problems worth showing, e.g. a corrupt state file kept as a backup. */
  warnings: string[];
}

/** Loads config and state and checks the keychain, loudly: a Hub without its keychain must not start. */
export async function buildHubParts(options: HubOptions): Promise<HubParts> {
  const paths = await ensureHubHome(hubPaths(options.home));
  const secrets = options.secrets ?? new Keychain();
  if (secrets instanceof Keychain) await secrets.check();
  const config = await loadConfig(paths.config);
  await loadKinds(Object.values(config.systems).map((system) => system.kind));
  const { store, warnings } = await StateStore.open(paths.state);
  const events = new HubEvents();
  const prompts = new PromptBroker(
    config.prompt_timeout,
    (prompt) => events.emit({ event: 'prompt', data: prompt }),
    (id) => events.emit({ event: 'promptClosed', data: { id } }),
  );
  const pool = new SshPool({ prompter: prompts, secrets });
  const personalHub = new PersonalHub({ portFile: join(paths.home, 'personal-hub.json') });
  const deps: SpawnerDeps = {
    pool,
    runRoot: join(paths.home, 'run'),
    secrets,
    prompter: prompts,
    personalHub,
    hooks: new Hooks(join(paths.home, 'hooks.mjs')),
    background: (what, task) => events.background(what, task),
  };
  return { paths, config, store, secrets, events, prompts, pool, personalHub, deps, warnings };
}
