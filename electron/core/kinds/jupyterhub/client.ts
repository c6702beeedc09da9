// A hub API client for one system: its address, the hub's API token (see token.ts; where the user is there to answer,
// one created by logging in with a password), and the Launcher's retry settings.
import type { JupyterHubSystemConfig } from '../../../../shared/config.js';
import type { SpawnerDeps } from '../../spawner/kind-module.js';
import { HubAddress } from './address.js';
import { JupyterHubApi } from './api.js';
import { HubApiError } from './hub-api-error.js';
import { HubRest } from './rest.js';
import { HubToken } from './token.js';

export interface HubClient {
  address: HubAddress;
  api: JupyterHubApi;
  rest: HubRest;
  /** The API token, shared with every client of the hub; it goes in Authorization headers only, never in a URL or a message. */
  token: HubToken;
}

/**
 * The keychain entry for a hub's API token, per hub, or per user and hub where a system names its user (an admin's
 * token acting for someone); users may set it themselves with `hubtray secret set`.
 */
export function hubTokenKey(config: Pick<JupyterHubSystemConfig, 'hub_url' | 'user'>): string {
  return `jupyterhub-token/${config.user ? `${config.user}@` : ''}${new URL(config.hub_url).toString()}`;
}

export interface ConnectOptions {
  signal?: AbortSignal;
  /** Without a stored token: ask for a password (a start) or give up quietly (background discovery). */
  interactive: boolean;
}

/** Null when there is no token and asking is not allowed. */
export async function connectHub(config: JupyterHubSystemConfig, deps: SpawnerDeps, address: HubAddress, options: ConnectOptions): Promise<HubClient | null> {
  const policy = { retries: config.retries, retryDelay: config.retry_delay, signal: options.signal };
  const apiBase = () => address.apiBase();
  const key = hubTokenKey(config);
  let token = await HubToken.load(deps.secrets, key, options.interactive);
  if (!token) {
    if (!options.interactive) return null;
    token = await logIn(config, deps, new JupyterHubApi(new HubRest({ ...policy, apiBase })), key, options.signal);
  }
  const rest = new HubRest({ ...policy, apiBase, token });
  return { address, api: new JupyterHubApi(rest), rest, token };
}

/** The issue's "offer to create a token": log in with a password the hub accepts, keep the new token in the keychain. */
async function logIn(config: JupyterHubSystemConfig, deps: SpawnerDeps, anonymous: JupyterHubApi, key: string, signal?: AbortSignal): Promise<HubToken> {
  const reply = await deps.prompter.ask(
    {
      kind: 'password',
      title: `Log in to ${config.hub_url}`,
      instructions:
        `hubtray has no API token for this hub. Log in with your hub user name and password, and hubtray creates a token ` +
        `and keeps it in the keychain. Where the hub logs in elsewhere (single sign-on), create a token on its token page ` +
        `instead and store it with: hubtray secret set ${key}`,
      questions: [
        { text: 'User name', echo: true },
        { text: 'Password', echo: false },
      ],
      canRemember: false,
    },
    signal,
  );
  const [user = '', password = ''] = reply.answers;
  if (!user || !password) throw new HubApiError('a user name and a password are needed to log in to the hub', null);
  const created = await anonymous.createTokenWithPassword(user, password, 'hubtray');
  return HubToken.store(deps.secrets, key, created.token);
}

/** The user servers are launched for: `user` when set, else the token's owner. */
export async function hubUser(client: HubClient, config: JupyterHubSystemConfig): Promise<string> {
  // A named user is checked too, so that a bad token is reported here, with what to do about it.
  return config.user ? (await client.api.user(config.user)).name : (await client.api.whoAmI()).name;
}
