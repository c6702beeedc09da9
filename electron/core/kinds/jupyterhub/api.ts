// The JupyterHub REST calls a launch, a poll, a stop and discovery need, typed. Paths follow the hub's routes: the
// default server ('') is /users/NAME/server, a named one /users/NAME/servers/SERVER.
import { HubApiError } from './hub-api-error.js';
import { parseModel, TokenModel, UserModel, VersionModel } from './models.js';
import type { HubRest } from './rest.js';

export interface TokenRequest {
  note: string;
  /** JupyterHub 3+: a subset of the owner's permissions, e.g. access:servers!server=alice/work. */
  scopes?: string[];
  expires_in?: number;
}

export class JupyterHubApi {
  constructor(private readonly rest: HubRest) {}

  async version(): Promise<string> {
    return parseModel(VersionModel, (await this.rest.call('', { what: 'read its version' })).json, 'GET /hub/api/').version;
  }

  /** The token's owner. */
  async whoAmI(): Promise<UserModel> {
    return parseModel(UserModel, (await this.rest.call('user', { what: 'find out whose token this is' })).json, 'GET /hub/api/user');
  }

  /** With stopped servers too: a named server counts against the hub's limit until it is removed. */
  async user(name: string): Promise<UserModel> {
    const reply = await this.rest.call(`users/${enc(name)}?include_stopped_servers`, { what: `read user ${name}` });
    return parseModel(UserModel, reply.json, `GET /hub/api/users/${name}`);
  }

  /** Creates the user, or leaves an existing one as it is. */
  async createUser(name: string): Promise<void> {
    await this.rest.call(`users/${enc(name)}`, { method: 'POST', accept: [409], what: `create user ${name}` });
  }

  /** 202 while the spawn goes on (progress follows), 201 when it finished within the hub's slow_spawn_timeout. */
  async startServer(user: string, server: string, userOptions: Record<string, unknown>): Promise<void> {
    await this.rest.call(serverPath(user, server), { method: 'POST', body: userOptions, what: `start ${label(user, server)}` });
  }

  /** Resolves once the hub accepted the stop; a server that is already gone counts as stopped. */
  async stopServer(user: string, server: string, remove: boolean): Promise<void> {
    await this.rest.call(serverPath(user, server), {
      method: 'DELETE',
      ...(remove ? { body: { remove: true } } : {}),
      accept: [404],
      what: `stop ${label(user, server)}`,
    });
  }

  /**
   * Whether the hub has named servers on, asked without changing anything: a stop of a server that does not exist is
   * refused with 400 when they are off and 404 when they are on. Null when the hub answers neither.
   */
  async namedServersEnabled(user: string, absentServer: string): Promise<boolean | null> {
    const reply = await this.rest.call(serverPath(user, absentServer), { method: 'DELETE', accept: [400, 404], what: `see whether ${user} may have named servers` });
    return reply.status === 404 ? true : reply.status === 400 && /named servers are not enabled/i.test(JSON.stringify(reply.json)) ? false : null;
  }

  async createToken(user: string, request: TokenRequest): Promise<TokenModel> {
    const reply = await this.rest.call(`users/${enc(user)}/tokens`, { method: 'POST', body: request, what: `create a token for ${user}` });
    return parseModel(TokenModel, reply.json, 'POST /hub/api/users/NAME/tokens');
  }

  /**
   * Logs in with a password the hub's authenticator accepts and creates an API token; this client has no token yet.
   * A wrong password is the hub's 403.
   */
  async createTokenWithPassword(user: string, password: string, note: string): Promise<TokenModel> {
    try {
      const reply = await this.rest.call(`users/${enc(user)}/tokens`, {
        method: 'POST',
        body: { auth: { username: user, password }, note },
        what: `log in as ${user}`,
      });
      return parseModel(TokenModel, reply.json, 'POST /hub/api/users/NAME/tokens');
    } catch (error) {
      if (error instanceof HubApiError && error.status === 403) throw new HubApiError(`the hub did not accept the user name and password for ${user}`, 403);
      throw error;
    }
  }

  async deleteToken(user: string, id: string): Promise<void> {
    await this.rest.call(`users/${enc(user)}/tokens/${enc(id)}`, { method: 'DELETE', accept: [404], what: `delete a token of ${user}` });
  }
}

export function serverPath(user: string, server: string): string {
  return server ? `users/${enc(user)}/servers/${enc(server)}` : `users/${enc(user)}/server`;
}

/** "alice's default server" or "alice's server work", for messages. */
export function label(user: string, server: string): string {
  return server ? `${user}'s server ${server}` : `${user}'s default server`;
}

function enc(part: string): string {
  return encodeURIComponent(part);
}
