// OutpostSpawner on the desktop: a lab started through a JupyterHub Outpost's REST API (reference §1), whose
// jupyterhub-singleuser calls hubtray's personal hub back. start() sends POST /services (synchronous, or asynchronous
// with the address arriving through the setup-tunnel callback), poll() and stop() follow OutpostSpawner's semantics
// (404s, request_failed_poll_keep_running, pre_poll_hook) but for a poll the Outpost never answered, which proves
// nothing and throws, and the lab is reached through the SSH node or, on a host it may trust, directly. The Hub opens the tunnel, waits for HTTP and polls on; the browser logs in through the personal hub's OAuth.
import { randomUUID } from 'node:crypto';
import { describeZodError, ProgressEvent } from '../../../../shared/api.js';
import type { OutpostSystemConfig } from '../../../../shared/config.js';
import type { FormSchema, UserOptions } from '../../../../shared/forms.js';
import { FLAVOR_FIELD, type RequestKwargs } from '../../../../shared/kinds/outpost.js';
import { HookError } from '../../hooks/hooks.js';
import type { RegisteredServer, ServerCallbacks } from '../../singleuser-api/personal-hub.js';
import { ReportedActivity } from '../../singleuser-api/activity-report.js';
import { secretKeys } from '../../secrets/secret-store.js';
import { expandUsername } from '../../shell-spawner/shell-spawner.js';
import { SpawnerBase, type Endpoint, type JsonObject, type SpawnRequest } from '../../spawner/spawner.js';
import type { RemoteForward } from '../../ssh/ssh-pool.js';
import type { SpawnerDeps } from '../../spawner/kind-module.js';
import { awaitAddress, deferred, type Deferred } from './async-start.js';
import { OutpostCredentials } from './credentials.js';
import { OutpostError } from './outpost-error.js';
import { flavorForm, fullFlavor, parseFlavors, type Flavor } from './flavors.js';
import { acceptFlavorsToken, flavorsToken } from './flavors-token.js';
import { linkLabToHub, reopenForward } from './hub-link.js';
import { labEnv } from './lab-env.js';
import { openLabRelay, type LabRelay } from './lab-tls.js';
import { PROGRESS_FROM, progressEvent, textOf } from './lab-events.js';
import { OutpostApi } from './outpost-api.js';
import { readOutpostState, type OutpostState } from './outpost-state.js';
import { SettingResolver, type HookSpawner } from './resolver.js';
import { sshNodeTarget } from './ssh-node.js';
import { checkLabAddress, normalService, resolveListenAll, splitService, type LabRoute } from './service-address.js';
import { startBody } from './start-body.js';
import { groupsForm, overridesOf, startSettings, withOverrides } from './start-settings.js';
import { randomPort } from '../../net/random-port.js';
import { boundedText } from '../../../../shared/text.js';

/** hubtray has one hub user, the person at this computer; the Outpost counts per-user flavor limits by this id. */
const USER_ID = 1;
/** A synchronous start answers once the lab runs: minutes, not tornado's 20 s (see request_kwargs_start). */
const START_REQUEST_TIMEOUT_S = 600;

interface Starting {
  /** Resolves with the address the setup-tunnel callback brings (asynchronous start). */
  address: Deferred<string>;
  /** Rejects when the Outpost reports the start failed (an event with failed: true). */
  failed: Deferred<never>;
}

export class OutpostSpawner extends SpawnerBase implements ServerCallbacks {
  /** The settings of the current start (startSettings), or the system's. */
  private config: OutpostSystemConfig;
  private settings: SettingResolver;
  private state: OutpostState | null = null;
  private userOptions: UserOptions = {};
  /** Set at the start (or from the state): what hooks see before the state exists. */
  private draft = { name: '', startId: '', port: 0 };
  private registration: RegisteredServer | null = null;
  private remoteForward: RemoteForward | null = null;
  private relay: LabRelay | null = null;
  /** While the relay opens: a poll meanwhile waits for it instead of opening a second one. */
  private relayOpening: Promise<void> | null = null;
  private starting: Starting | null = null;
  private pollSeconds: number | null = null;
  private reachDirectly = false;
  private gone: string | null = null;
  private progressSoFar = PROGRESS_FROM;
  private logLines: string[] = [];
  private eventQueue: Promise<void> = Promise.resolve();
  private readonly reported = new ReportedActivity();
  private readonly credentials = new Map<string, OutpostCredentials>();

  constructor(
    private readonly systemConfig: OutpostSystemConfig,
    private readonly deps: SpawnerDeps,
  ) {
    super();
    this.config = systemConfig;
    this.settings = new SettingResolver(systemConfig, deps.hooks, () => this.hookSpawner());
  }

  async start(request: SpawnRequest): Promise<Endpoint> {
    this.userOptions = structuredClone(request.userOptions);
    for (const credentials of this.credentials.values()) credentials.newStart();
    this.draft = { name: request.serverName, startId: randomUUID().replaceAll('-', ''), port: 0 };
    this.gone = null;
    this.progressSoFar = PROGRESS_FROM;
    const starting: Starting = { address: deferred(), failed: deferred() };
    this.starting = starting;
    this.config = await startSettings(this.systemConfig, this.userOptions, this.deps.hooks, () => this.hookSpawner());
    this.settings = new SettingResolver(this.config, this.deps.hooks, () => this.hookSpawner());
    // The event is ready before anything can be cancelled, and shown the moment the start is: a cancel while the Hub
    // waits for HTTP (after this returned) counts too, and the Hub ends the progress right after.
    const cancelling = await this.settings.value('cancelling_event');
    request.signal.addEventListener('abort', () => this.emit({ ...cancelling, message: cancelling.message || textOf(cancelling.html_message ?? '') }), { once: true });
    try {
      return await this.launch(request, starting);
    } finally {
      this.starting = null;
    }
  }

  private async launch(request: SpawnRequest, starting: Starting): Promise<Endpoint> {
    const { serverName: name, signal } = request;
    if (await this.settings.value('show_first_default_event')) this.emit({ progress: 0, message: 'Server requested' });
    await this.settings.run('check_allowed', structuredClone(this.userOptions));
    this.draft.port = (await this.settings.value('custom_port', this.userOptions)) || (await randomPort());
    const requestUrl = (await this.settings.value('request_url', this.userOptions)).replace(/\/+$/, '');
    const api = await this.api(requestUrl);
    // The Outpost checks again itself; when the list cannot be read, the start goes ahead and it decides.
    const flavors = await api.flavors({ interactive: true, signal }).catch(() => null);
    this.takeShownFlavor(flavors ?? this.postedFlavors(requestUrl));
    const userOptions = { ...this.userOptions, ...(await this.settings.value('custom_user_options', structuredClone(this.userOptions))) };
    const flavor = userOptions[FLAVOR_FIELD];
    if (typeof flavor === 'string' && flavor !== '' && flavors) await this.refuseFullFlavor(api, name, flavor, flavors);
    const via = await sshNodeTarget(this.settings, {});
    this.registration = this.deps.personalHub.register(name, request.token, this);
    const link = await linkLabToHub(this.settings, this.deps, requestUrl, via);
    this.remoteForward = link.forward;
    this.pollSeconds = await this.resolvePollSeconds();

    const https = this.config.certs !== undefined;
    const env: Record<string, string> = {
      ...labEnv({
        user: this.deps.personalHub.user,
        server: name,
        token: request.token,
        clientId: this.registration.clientId,
        callbackPath: this.registration.callbackPath,
        apiUrl: link.apiUrl,
        hubHost: await this.deps.personalHub.address(),
        port: this.draft.port,
        https,
        defaultUrl: this.config.default_url ? expandUsername(this.config.default_url, this.deps.personalHub.user) : undefined,
        environment: this.config.environment,
      }),
      ...(await this.settings.value('custom_env', structuredClone(userOptions), link.apiUrl)),
      JUPYTERHUB_USER_ID: String(USER_ID),
    };
    // Without a token of its own (its flavors_update_token), the Outpost would post the update unauthenticated.
    if (env.JUPYTERHUB_FLAVORS_UPDATE_URL && !env.JUPYTERHUB_FLAVORS_UPDATE_TOKEN) {
      env.JUPYTERHUB_FLAVORS_UPDATE_TOKEN = await flavorsToken(requestUrl, this.deps.secrets, this.deps.personalHub);
    }
    const body = await startBody(this.config, {
      name,
      env,
      userOptions,
      startId: this.draft.startId,
      customMisc: await this.settings.value('custom_misc', structuredClone(userOptions)),
      port: this.draft.port,
      extraLabels: await this.settings.value('extra_labels'),
    });
    // Saved before the request, so that a hubtray killed meanwhile still knows what to stop at the Outpost.
    const user = encodeURIComponent(this.deps.personalHub.user);
    this.state = {
      name,
      start_id: this.draft.startId,
      request_url: requestUrl,
      service: '',
      port: this.draft.port,
      path: `/user/${user}/${encodeURIComponent(name)}/`,
      https,
      via,
      relay_port: null,
      remote_forward: link.saved,
      api_url: link.apiUrl,
      exit_code: null,
      user_options: structuredClone(this.userOptions),
      overrides: overridesOf(this.systemConfig, this.config),
    };
    await request.saveState?.();

    this.emit({ progress: PROGRESS_FROM, message: 'Sending request to Outpost service to start your service.' });
    const startAsync = await this.settings.value('start_async');
    let response: { service: string };
    try {
      response = await Promise.race([api.start(body, { async: startAsync, kwargs: await this.startKwargs(), signal }), starting.failed.promise]);
    } catch (error) {
      if (!signal.aborted) await this.settings.run('failed_spawn_request_hook', { message: errorText(error) });
      throw error;
    }
    await this.settings.run('post_spawn_request_hook', response);
    // At the progress the Outpost's events reached, as OutpostSpawner shows it: the bar never moves back.
    this.emit({ progress: this.progressSoFar, message: 'Outpost communication successful.' });
    let service = response.service;
    if (!service) {
      const callbackUrl = env.JUPYTERHUB_SETUPTUNNEL_URL ?? '';
      this.emit({
        progress: this.progressSoFar,
        message: `The Outpost starts the lab in the background; its address must come to the setup-tunnel callback (${callbackUrl}), posted by the lab's start script (a stock Outpost and jupyterhub-singleuser never post it)`,
      });
      const { name: serviceName, start_id: startId } = this.state;
      service = await awaitAddress({
        address: starting.address.promise,
        failed: starting.failed.promise,
        poll: async () => (await api.poll(serviceName, startId, false)).status,
        callbackUrl,
        timeoutSeconds: this.config.http_timeout,
        signal,
      });
    }
    if (this.settings.has('update_start_response')) service = String(await this.settings.run('update_start_response', service));
    await this.located(service);
    this.emit({ progress: this.progressSoFar, message: `The lab listens at ${this.state.service}${via ? `, reached through ${via.host}` : ''}` });
    await this.openRelay();
    await request.saveState?.();
    return this.endpoint() as Endpoint;
  }

  /** JupyterHub's poll: null while running, else the exit status; pre_poll_hook first, with the seed's meaning. */
  async poll(): Promise<number | null> {
    if (!this.state) return 0;
    await this.attach();
    await this.openRelay().catch((error: unknown) => this.note(`hubtray: could not open the TLS relay to the lab: ${errorText(error)}`));
    if (this.settings.has('pre_poll_hook')) {
      const answer = await this.settings.run('pre_poll_hook');
      // True: unknown, ask the Outpost. False: unknown, but keep it running. An integer: its exit code. None: running.
      if (answer === false || answer === null || answer === undefined) return null;
      if (typeof answer === 'number' && Number.isInteger(answer)) return this.exited(answer, `pre_poll_hook says it exited with ${answer}`);
      if (answer !== true) throw new HookError(`hook pre_poll_hook returned ${JSON.stringify(answer)}; it returns true, false, an integer or null`);
    }
    const state = this.state;
    try {
      const { status, logs } = await (await this.api(state.request_url)).poll(state.name, state.start_id, this.config.collect_logs_polling);
      if (logs.length > 0) this.logLines = logs;
      return status === null ? null : this.exited(status, `the Outpost reports exit code ${status}`);
    } catch (error) {
      // OutpostSpawner: a 404 means stopped unless request_404_poll_keep_running; any other failure means running
      // unless request_failed_poll_keep_running is off.
      const notFound = error instanceof OutpostError && error.status === 404;
      const keep = notFound ? this.config.request_404_poll_keep_running : this.config.request_failed_poll_keep_running;
      if (keep) return null;
      // An Outpost that never answered proves nothing about the lab: the Hub calls it lost (cannot tell) and asks again.
      if (!(error instanceof OutpostError) || error.status === null) throw error;
      return this.exited(0, notFound ? 'the Outpost no longer knows it (404)' : `the poll failed: ${errorText(error)}`);
    }
  }

  /** DELETE at the Outpost (a 404 counts as stopped); as in OutpostSpawner, a failed stop request does not keep it. */
  async stop(): Promise<void> {
    const state = this.state;
    if (state) {
      await this.settings.run('pre_stop_hook');
      try {
        const api = await this.api(state.request_url);
        const { logs } = await api.stop(state.name, state.start_id, { async: await this.settings.value('stop_async'), collectLogs: this.config.collect_logs, interactive: true });
        if (this.config.collect_logs && logs.length > 0) this.logLines = logs;
      } catch (error) {
        this.logLines.push(`hubtray: the stop request to the Outpost failed: ${errorText(error)}`);
      }
    }
    await this.detach();
  }

  async logs(): Promise<string> {
    const state = this.state;
    if (state) {
      const fresh = await (await this.api(state.request_url)).poll(state.name, state.start_id, true).catch(() => null);
      if (fresh && fresh.logs.length > 0) this.logLines = fresh.logs;
    }
    return this.logLines.join('\n') || 'The Outpost has sent no logs for this server (it sends them where its spawner collects them).';
  }

  async username(): Promise<string> {
    return this.deps.personalHub.user;
  }

  endpoint(): Endpoint | null {
    const state = this.state;
    if (!state?.service) return null;
    if (this.relayed()) {
      const port = this.relay?.port ?? state.relay_port;
      return port ? { host: '127.0.0.1', port, protocol: 'http:', path: state.path } : null;
    }
    const { host, port } = splitService(state.service);
    return {
      host,
      port,
      ...(state.via && !this.reachDirectly ? { via: state.via } : {}),
      protocol: state.https ? 'https:' : 'http:',
      path: state.path,
    };
  }

  /** The browser logs in through the personal hub, which then sends it to the lab (the OAuth round trip). */
  async browserLogin(serverUrl: string): Promise<string> {
    await this.attach();
    this.registration?.setBrowserOrigin(new URL(serverUrl).origin);
    return this.deps.personalHub.loginUrl(serverUrl);
  }

  pollIntervalSeconds(): number | null {
    return this.pollSeconds;
  }

  /** progress_ready_hook; as in JupyterHub, a hook that fails leaves the event as it was (and says why). */
  async readyEvent(event: ProgressEvent): Promise<ProgressEvent> {
    if (!this.settings.has('progress_ready_hook')) return event;
    try {
      const parsed = ProgressEvent.safeParse(await this.settings.run('progress_ready_hook', { ...event }));
      if (parsed.success) return { ...parsed.data, progress: 100, ready: true };
      return { ...event, message: `${event.message} (hook progress_ready_hook returned no event: ${describeZodError(parsed.error)})` };
    } catch (error) {
      return { ...event, message: `${event.message} (${errorText(error)})` };
    }
  }

  exitReason(): string | null {
    return this.gone;
  }

  getState(): JsonObject {
    return this.state ? { ...this.state } : {};
  }

  loadState(state: JsonObject): void {
    this.state = readOutpostState(state);
    if (!this.state) return;
    this.draft = { name: this.state.name, startId: this.state.start_id, port: this.state.port };
    this.userOptions = structuredClone(this.state.user_options);
    // The start's own settings again; if the system was edited so that they no longer fit, its settings as they are.
    const started = withOverrides(this.systemConfig, this.state.overrides);
    if (!started) this.note('hubtray: the settings this server was started with no longer fit its system; using the system\'s own');
    this.config = started ?? this.systemConfig;
    this.settings = new SettingResolver(this.config, this.deps.hooks, () => this.hookSpawner());
    // The Hub asks where the lab is before its first poll: a plain ssh_recreate_at_start decides now, a hook then.
    const recreate = this.config.ssh_recreate_at_start;
    try {
      if (typeof recreate === 'boolean') this.reachDirectly = this.reachableDirectly(this.state, !recreate);
    } catch (error) {
      this.note(`hubtray: ${errorText(error)}`);
    }
  }

  /** Whether the lab is reached directly from now on; its address must then pass what a direct start checks. */
  private reachableDirectly(state: OutpostState, direct: boolean): boolean {
    if (direct && state.service) checkLabAddress(state.service, { ...this.route(state), throughNode: false });
    return direct;
  }

  clearState(): void {
    this.state = null;
    this.deps.background('closing an Outpost server\'s relay and tunnel', this.detach());
  }

  /**
   * The options form with group_overrides' groups and the Outpost's flavors as choices: as it answers now, else as it
   * last posted them (JUPYTERHUB_FLAVORS_UPDATE_URL).
   */
  async form(): Promise<FormSchema> {
    const form = groupsForm(this.config.options_form, this.config);
    const requestUrl = (await this.settings.value('request_url', {})).replace(/\/+$/, '');
    const api = await this.api(requestUrl);
    const flavors = await api.flavors({ interactive: false }).catch(() => this.postedFlavors(requestUrl));
    return flavors ? flavorForm(form, flavors) : form;
  }

  // --- the personal hub's callbacks ---

  /** A progress event from the Outpost: shown while the server starts; failed: true ends the start. */
  event(raw: Record<string, unknown>): void {
    const starting = this.starting;
    if (!starting) return;
    this.eventQueue = this.eventQueue
      .then(async () => {
        const { ready: _ready, ...rest } = raw;
        const filtered = this.settings.has('filter_events') ? await this.settings.run('filter_events', rest) : rest;
        if (typeof filtered !== 'object' || filtered === null || Object.keys(filtered).length === 0) return;
        const event = progressEvent(filtered as Record<string, unknown>);
        this.progressSoFar = Math.max(this.progressSoFar, event.progress);
        if (event.failed) starting.failed.reject(new OutpostError(`the Outpost reports that the start failed: ${event.message || 'no reason given'}`, null));
        this.emit(event);
      })
      .catch((error: unknown) => starting.failed.reject(error));
  }

  /** The setup-tunnel callback: the lab's address, for an asynchronous start; for a running server, the same one. */
  async setupTunnel(body: Record<string, unknown>): Promise<void> {
    // Only the address is taken: on a desktop, a remote caller does not get to choose the SSH node or key to use.
    const service = body.service;
    if (typeof service !== 'string' || service === '') throw new Error('the setup-tunnel body has no "service" address');
    splitService(service);
    if (this.starting) return this.starting.address.resolve(service);
    if (this.state?.service && normalService(this.state.service) === normalService(service)) return;
    throw new Error(`hubtray does not move the tunnel of a running server (it has ${this.state?.service || 'no address'}, asked for ${boundedText(service, 100)})`);
  }

  /** The lab's activity report: what the idle culler reads as the hub's last_activity (hubActivity). */
  activity(reported: Date): void {
    this.reported.report(reported);
  }

  async hubActivity(): Promise<Date | null> {
    return this.reported.latest();
  }

  // --- helpers ---

  /** After a restart: the server's token back in the personal hub, the remote forward open again. */
  private async attach(): Promise<void> {
    const state = this.state;
    if (this.registration || !state) return;
    const token = await this.deps.secrets.get(secretKeys.serverToken(state.name));
    if (!token) return;
    this.reachDirectly = this.reachableDirectly(state, !(await this.settings.value('ssh_recreate_at_start')));
    this.registration = this.deps.personalHub.register(state.name, token, this);
    // The personal hub listens on its first use; the lab (and its Outpost) call it back whichever way they reach it.
    await this.deps.personalHub.address();
    await acceptFlavorsToken(state.request_url, this.deps.secrets, this.deps.personalHub);
    this.pollSeconds = await this.resolvePollSeconds();
    if (state.remote_forward && !this.remoteForward) {
      this.remoteForward = await reopenForward(this.deps, state.remote_forward).catch((error: unknown) => {
        this.logLines.push(`hubtray: could not open the remote forward to the personal hub again: ${errorText(error)}`);
        return null;
      });
    }
  }

  /** With certs, the lab is reached through its TLS relay (lab-tls.ts): opened at the start, and again after a restart. */
  private openRelay(): Promise<void> {
    this.relayOpening ??= this.openRelayOnce().finally(() => (this.relayOpening = null));
    return this.relayOpening;
  }

  private async openRelayOnce(): Promise<void> {
    const state = this.state;
    if (!state?.service || !this.relayed() || this.relay) return;
    this.relay = await openLabRelay(this.config, {
      pool: this.deps.pool,
      personalHub: this.deps.personalHub,
      via: this.reachDirectly ? null : state.via,
      lab: splitService(state.service),
      port: state.relay_port ?? 0,
      onError: (message) => this.note(message),
    });
    state.relay_port = this.relay.port;
  }

  /** An https lab of certs (internal SSL); one update_expected_path made https is reached as it is. */
  private relayed(): boolean {
    return this.state?.https === true && this.config.certs !== undefined;
  }

  /** A line for the server's log, once however often it happens in a row. */
  private note(line: string): void {
    if (this.logLines.at(-1) !== line) this.logLines.push(line);
  }

  private async detach(): Promise<void> {
    const relay = this.relay;
    this.relay = null;
    await relay?.close();
    this.registration?.close();
    this.registration = null;
    const forward = this.remoteForward;
    this.remoteForward = null;
    await forward?.close();
  }

  /** Where the lab listens, after update_expected_path, into the state; refused where its token must not go. */
  private async located(service: string): Promise<void> {
    const state = this.state as OutpostState;
    const route = this.route(state);
    state.service = resolveListenAll(service, route);
    if (this.settings.has('update_expected_path')) await this.expectedPath(state);
    checkLabAddress(state.service, route);
  }

  private route(state: OutpostState): LabRoute {
    return { requestUrl: state.request_url, throughNode: state.via !== null && !this.reachDirectly, allowedHosts: this.config.allowed_service_hosts };
  }

  private async expectedPath(state: OutpostState): Promise<void> {
    const expected = `${state.https ? 'https' : 'http'}://${state.service}${state.path}`;
    const answer = String(await this.settings.run('update_expected_path', expected));
    let url: URL;
    try {
      url = new URL(answer);
    } catch {
      throw new HookError(`hook update_expected_path returned ${JSON.stringify(answer)}, which is not a URL`);
    }
    state.service = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
    state.path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
    state.https = url.protocol === 'https:';
  }

  private exited(status: number, why: string): number {
    this.gone = why;
    if (this.state) this.state.exit_code = status;
    return status;
  }

  private async refuseFullFlavor(api: OutpostApi, name: string, flavor: string, flavors: Map<string, Flavor>): Promise<void> {
    const refusal = fullFlavor(name, await api.jupyterhubName(), flavor, flavors);
    if (refusal) throw new OutpostError(refusal, null);
  }

  /** A start without a flavor takes the one the form shows as its default, as a start from the form would. */
  private takeShownFlavor(flavors: Map<string, Flavor> | null): void {
    if (!flavors || (this.userOptions[FLAVOR_FIELD] ?? '') !== '') return;
    const shown = flavorForm(this.config.options_form, flavors).fields.find((field) => field.name === FLAVOR_FIELD);
    if (shown && 'default' in shown && typeof shown.default === 'string') this.userOptions[FLAVOR_FIELD] = shown.default;
  }

  /** The flavor use the Outpost posted last (JUPYTERHUB_FLAVORS_UPDATE_URL), for when it cannot be asked. */
  private postedFlavors(requestUrl: string): Map<string, Flavor> | null {
    const posted = this.deps.personalHub.postedFlavors(requestUrl);
    return posted ? parseFlavors(posted) : null;
  }

  private async api(requestUrl: string): Promise<OutpostApi> {
    let credentials = this.credentials.get(requestUrl);
    if (!credentials) {
      credentials = new OutpostCredentials(requestUrl, this.deps.secrets, this.deps.prompter);
      this.credentials.set(requestUrl, credentials);
    }
    const headers = await this.settings.value('request_headers', this.userOptions);
    const kwargs = await this.settings.value('request_kwargs', this.userOptions);
    return new OutpostApi({ requestUrl, headers, kwargs }, credentials);
  }

  private async startKwargs(): Promise<RequestKwargs> {
    const own = await this.settings.value('request_kwargs_start', this.userOptions);
    if (own) return own;
    return { request_timeout: START_REQUEST_TIMEOUT_S, ...(await this.settings.value('request_kwargs', this.userOptions)) };
  }

  /** custom_poll_interval in milliseconds (under 1000: seconds, as OutpostSpawner reads it); 0: poll_interval. */
  private async resolvePollSeconds(): Promise<number | null> {
    const interval = await this.settings.value('custom_poll_interval', this.userOptions);
    if (interval <= 0) return null;
    return interval < 1000 ? interval : interval / 1000;
  }

  private hookSpawner(): HookSpawner {
    return {
      name: this.draft.name,
      user: { name: this.deps.personalHub.user, id: USER_ID },
      user_options: structuredClone(this.userOptions),
      start_id: this.draft.startId,
      port: this.draft.port,
      port_forward_info: this.state?.service ? { service: this.state.service } : {},
    };
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
