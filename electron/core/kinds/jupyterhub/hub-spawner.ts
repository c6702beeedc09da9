// A server on a JupyterHub, launched the way BinderHub's Launcher launches one (seed 003): pre_launch_hook, optional
// create_user, the named-server checks, POST .../servers/NAME with the user options, the hub's progress stream until
// ready (within launch_timeout), then a token of the server's own for the browser. The hub runs the server; hubtray
// polls, opens and stops it through the hub's API.
import type { JupyterHubSystemConfig } from '../../../../shared/config.js';
import type { UserOptions } from '../../../../shared/forms.js';
import { SpawnerBase, type Endpoint, type JsonObject, type SpawnRequest } from '../../spawner/spawner.js';
import type { SpawnerDeps } from '../../spawner/kind-module.js';
import { serverAccess } from './access.js';
import { HubAddress } from './address.js';
import { label, serverPath } from './api.js';
import { connectHub, type HubClient } from './client.js';
import { HubApiError } from './hub-api-error.js';
import { checkLaunch, readLaunchUser } from './launch-checks.js';
import { isPathOnHub, pathOnHub } from './origin.js';
import { runPreLaunchHook, type LaunchArgs } from './pre-launch-hook.js';
import { followProgress, type HubProgressEvent } from './progress.js';
import { sleep } from '../../net/retry.js';
import { parseTime } from '../../../../shared/time.js';
import { hubServerState, readHubServerState, type HubServerState } from './server-state.js';

/** The part of hubtray's progress bar a launch on the hub fills (the Hub's own steps come before and after). */
const PROGRESS_FROM = 10;
const PROGRESS_TO = 55;
/** How often a stop looks whether the hub has finished it (JupyterHub answers 202 to a slow stop). */
const STOP_POLL_MS = 500;

export class JupyterHubSpawner extends SpawnerBase {
  private readonly address: HubAddress;
  private client: HubClient | null = null;
  private state: HubServerState | null = null;
  /** A launch under way asked the hub for a named server that did not exist before: a failed start removes it. */
  private creating = false;

  constructor(
    private readonly config: JupyterHubSystemConfig,
    private readonly deps: SpawnerDeps,
  ) {
    super();
    this.address = new HubAddress(config, deps.pool);
  }

  async start(request: SpawnRequest): Promise<Endpoint> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new LaunchTimeout(this.config.launch_timeout)), this.config.launch_timeout * 1000);
    const signal = AbortSignal.any([request.signal, timeout.signal]);
    try {
      return await this.launch(request.userOptions, signal);
    } catch (error) {
      throw timeout.signal.aborted ? timeout.signal.reason : error;
    } finally {
      clearTimeout(timer);
    }
  }

  private async launch(userOptions: UserOptions, signal: AbortSignal): Promise<Endpoint> {
    const config = this.config;
    this.emit({ progress: 5, message: `Connecting to ${config.hub_url}` });
    const client = await this.connect(signal, true);
    const { user, server, userOptions: hubOptions, exists } = await this.prepare(client, userOptions);
    const what = label(user, server);
    this.emit({ progress: PROGRESS_FROM, message: `Requesting ${what} from the hub` });
    // From here on the state names the server: a failed start stops it, and discovery knows it is this launch's.
    // Not earlier, so that a launch refused above never stops a server it did not start.
    this.state = { hub: config.hub_url, user, server, url: '', token_id: null, login: null };
    this.creating = !exists;
    await client.api.startServer(user, server, hubOptions);
    const ready = await this.follow(client, user, server, what);
    this.creating = false;
    const url = pathOnHub(ready.url ?? `${this.address.hubUrl.pathname}user/${encodeURIComponent(user)}/${server ? `${encodeURIComponent(server)}/` : ''}`, what);
    const access = await serverAccess(client, user, server, url);
    this.state = { hub: config.hub_url, user, server, url, token_id: access.tokenId, login: access.login };
    this.emit({ progress: PROGRESS_TO, message: `The hub says ${what} is ready at ${url}` });
    return { ...(this.endpoint() as Endpoint), token: access.token };
  }

  /**
   * Everything before the hub is asked for the server: the user, pre_launch_hook (which may change the launch),
   * create_user, and the checks. Nothing on the hub has changed when this throws, except a user create_user made.
   */
  private async prepare(client: HubClient, userOptions: UserOptions): Promise<LaunchArgs & { exists: boolean }> {
    const config = this.config;
    const user = config.user ?? (await client.api.whoAmI()).name;
    if (config.pre_launch_hook) this.emit({ progress: 7, message: 'Running pre_launch_hook' });
    const args = await runPreLaunchHook(config, this.deps.hooks, { user, server: config.server_name, userOptions: this.hubOptions(userOptions) });
    // The token's owner exists by definition: create_user is for another user (an admin token acting for them).
    if (config.create_user && (config.user || args.user !== user)) await client.api.createUser(args.user);
    const model = await readLaunchUser(client, args.user, config.create_user);
    checkLaunch(config, model, args.server);
    return { ...args, exists: args.server in model.servers };
  }

  /** The hub's progress events, relayed on hubtray's scale; resolves with the ready event, throws on failure. */
  private async follow(client: HubClient, user: string, server: string, what: string): Promise<HubProgressEvent> {
    const settle = async (): Promise<HubProgressEvent | null> => {
      const model = (await client.api.user(user)).servers[server];
      if (model?.ready) return { progress: 100, message: 'Server ready', ready: true, url: model.url };
      if (model?.pending) return null;
      return { progress: 100, message: 'the launch ended on the hub without a result', failed: true };
    };
    for await (const event of followProgress(client.rest, `${serverPath(user, server)}/progress`, what, settle)) {
      if (event.failed) throw new HubApiError(`the hub could not start ${what}: ${event.message}`, null);
      if (event.ready) return event;
      this.emit({
        progress: PROGRESS_FROM + ((PROGRESS_TO - PROGRESS_FROM) * event.progress) / 100,
        message: event.message,
        ...(event.html_message !== undefined ? { html_message: event.html_message } : {}),
      });
    }
    throw new HubApiError(`the hub's progress for ${what} ended without saying ready or failed`, null);
  }

  /** JupyterHub's poll: null while the hub has the server running or on its way, else 0. */
  async poll(): Promise<number | null> {
    if (!this.state) return 0;
    const client = await this.connect();
    const model = (await client.api.user(this.state.user)).servers[this.state.server];
    return model?.ready || model?.pending ? null : 0;
  }

  readonly behindHubProxy = true;

  /** The hub's last_activity for the server: its proxy's traffic (the culler's own checks too) and the server's reports. */
  async hubActivity(): Promise<Date | null> {
    if (!this.state) return null;
    const client = await this.connect();
    return parseTime((await client.api.user(this.state.user)).servers[this.state.server]?.last_activity);
  }

  /**
   * Asks the hub to stop the server (and remove a named one with remove_named_servers) and waits until it has. A
   * stop during a launch waits for the launch to end first, since the hub refuses to stop a pending spawn. `now` has
   * no meaning here: the hub's spawner decides how to stop.
   *
   * Only a server this stop finds running or pending, or one a failed launch created, is removed: one already
   * stopped was stopped by someone else (on the hub's home page, by the hub's culler), and the Hub's clean-up after
   * that exit must not delete it. Removing a named server deletes it from the hub for good, with KubeSpawner its
   * volume too.
   */
  async stop(): Promise<void> {
    if (!this.state) return;
    const { user, server, token_id: tokenId } = this.state;
    const client = await this.connect();
    const mayRemove = server !== '' && this.config.remove_named_servers;
    let remove = false;
    // A pending spawn can last as long as a start may, so a stop waits that long for it to end.
    const deadline = Date.now() + this.config.start_timeout * 1000;
    for (;;) {
      const model = (await client.api.user(user)).servers[server];
      if (model && (model.ready || model.pending || this.creating)) remove = mayRemove;
      if (!model || (!model.ready && !model.pending && !remove)) break;
      if (Date.now() > deadline) throw new HubApiError(`the hub did not stop ${label(user, server)} within start_timeout (${this.config.start_timeout} s)`, null);
      if (model.pending !== 'spawn' && model.pending !== 'stop') await client.api.stopServer(user, server, remove);
      await sleep(STOP_POLL_MS);
    }
    if (tokenId) await client.api.deleteToken(user, tokenId).catch(() => undefined);
  }

  async logs(): Promise<string> {
    return 'A JupyterHub keeps its servers’ logs to itself (its API does not serve them): the hub’s admins can read them, or open a terminal in the server.';
  }

  async username(): Promise<string> {
    return this.state?.user ?? '';
  }

  endpoint(): Endpoint | null {
    // A state saved before hubtray checked the hub's URLs may name another origin: no endpoint, so no token goes there.
    if (!this.state?.url || !isPathOnHub(this.state.url)) return null;
    return { ...this.address.endpoint(this.state.url), ...(this.state.login ? { login: this.state.login } : {}) };
  }

  getState(): JsonObject {
    return this.state ? hubServerState(this.state) : {};
  }

  loadState(state: JsonObject): void {
    this.state = readHubServerState(state);
  }

  clearState(): void {
    this.state = null;
    this.creating = false;
    this.client = null;
    this.deps.background("closing the tunnel to a JupyterHub's address", this.address.close());
  }

  /** A launch may ask for a password; a poll or a stop in the background uses the stored token only. */
  private async connect(signal?: AbortSignal, interactive = false): Promise<HubClient> {
    if (this.client && !signal) return this.client;
    const client = await connectHub(this.config, this.deps, this.address, { interactive, ...(signal ? { signal } : {}) });
    if (!client) throw new HubApiError(`there is no API token for ${this.config.hub_url} in the keychain; start a server on it to log in`, null);
    if (!signal) this.client = client;
    return client;
  }

  /**
   * The options the hub's spawner gets: the form's, less those apply_user_options maps to hubtray's own settings
   * (such as server_name), which are hubtray's business.
   */
  private hubOptions(userOptions: UserOptions): Record<string, unknown> {
    const own = new Set(Object.keys(this.config.apply_user_options));
    return Object.fromEntries(Object.entries(userOptions).filter(([field]) => !own.has(field)));
  }
}

class LaunchTimeout extends Error {
  constructor(seconds: number) {
    super(`the hub did not have the server ready within launch_timeout (${seconds} s)`);
    this.name = 'LaunchTimeout';
  }
}
