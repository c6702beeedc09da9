// What a kind of system does, in the core: its spawner, and where it can, a connection test, a discovery of servers
// started elsewhere and a live options form. Each kinds/<kind>/index.ts exports one as `kind`; what every face knows
// of the kind (its settings schema, label, description) is in shared/kinds/<kind>.ts.
import type { ConnectionReport } from '../../../shared/api.js';
import type { SystemConfig } from '../../../shared/config.js';
import type { FormSchema } from '../../../shared/forms.js';
import type { Hooks } from '../hooks/hooks.js';
import type { PersonalHub } from '../singleuser-api/personal-hub.js';
import type { Prompter } from '../prompts/prompter.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { JsonObject, Spawner } from './spawner.js';
import type { SshPool } from '../ssh/ssh-pool.js';

export interface SpawnerDeps {
  pool: SshPool;
  /** Where this computer's run folders live (HUBTRAY_HOME/run). */
  runRoot: string;
  /** For kinds that keep their own credentials (a JupyterHub's API token). */
  secrets: SecretStore;
  /** For kinds that ask the user for a credential (a JupyterHub password, to create a token). */
  prompter: Prompter;
  /** The hub API that labs started elsewhere (through an Outpost) call back. */
  personalHub: PersonalHub;
  /** The functions of HUBTRAY_HOME/hooks.mjs that settings may name instead of a value. */
  hooks: Hooks;
  /** The owner of work a spawner leaves running (a tunnel closed after its state is cleared): it catches and reports. */
  background: (what: string, task: Promise<unknown>) => void;
}

/** A server that runs on a system without hubtray having started it (e.g. from a JupyterHub's own web page). */
export interface DiscoveredServer {
  /** A name for hubtray's list, unique on its system; the Hub puts the system's name before it. */
  name: string;
  /** The spawner state that lets the system's spawner poll, open and stop it, as after a restart. */
  state: JsonObject;
  /** The token the server accepts (see Endpoint.token). */
  token: string;
  userOptions: JsonObject;
  startedAt: string | null;
}

export interface SystemKindModule<C extends SystemConfig> {
  spawner(config: C, deps: SpawnerDeps): Spawner;
  /**
   * Only for systems where the user starts servers elsewhere too: the running servers hubtray does not list yet.
   * `known` are the spawner states of the active servers hubtray lists, on any system (two systems may share a hub).
   */
  discover?(config: C, deps: SpawnerDeps, known: JsonObject[]): Promise<DiscoveredServer[]>;
  /**
   * Optional: the options form as the system offers it right now, e.g. a cluster's partitions as choices. It only
   * narrows options_form (which still checks a start), and it never fails: without an answer, it is options_form.
   */
  liveForm?(config: C, deps: SpawnerDeps): Promise<FormSchema>;
  /** Optional: "Test connection" before a system is saved; it reports, it never throws. */
  testConnection?(config: C, deps: SpawnerDeps): Promise<ConnectionReport>;
}
