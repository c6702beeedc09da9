// The environment the Outpost starts jupyterhub-singleuser with: what JupyterHub's Spawner.get_env() sets, with
// ForwardBaseSpawner's changes (the API URL the lab can reach, the setup-tunnel and events URLs, a service URL on
// 0.0.0.0), filtered to JUPYTER_*/JUPYTERHUB_* as OutpostSpawner filters it. The hub in every URL is hubtray's
// personal hub: `apiUrl` as the lab reaches it, `hubHost` as the browser does.

export interface LabEnvInput {
  user: string;
  server: string;
  /** The server's API token; also its OAuth client secret. */
  token: string;
  clientId: string;
  callbackPath: string;
  /** The personal hub's API (…/hub/api) as the lab reaches it. */
  apiUrl: string;
  /** The personal hub's origin as the browser reaches it: where the OAuth login goes. */
  hubHost: string;
  /** The port the lab listens on (misc.port), and whether it serves https (certs). */
  port: number;
  https: boolean;
  defaultUrl: string | undefined;
  /** JupyterHub's Spawner.environment setting; filtered like the rest. */
  environment: Record<string, string>;
}

export function labEnv(input: LabEnvInput): Record<string, string> {
  const user = encodeURIComponent(input.user);
  const server = encodeURIComponent(input.server);
  const api = input.apiUrl.replace(/\/+$/, '');
  const prefix = `/user/${user}/${server}/`;
  const accessScopes = JSON.stringify([`access:servers!server=${input.user}/${input.server}`, `access:servers!user=${input.user}`]);
  const env: Record<string, string> = {
    ...input.environment,
    JUPYTERHUB_API_TOKEN: input.token,
    JUPYTERHUB_CLIENT_ID: input.clientId,
    JUPYTERHUB_HOST: input.hubHost,
    JUPYTERHUB_PUBLIC_HUB_URL: `${input.hubHost}/hub/`,
    JUPYTERHUB_OAUTH_CALLBACK_URL: input.callbackPath,
    JUPYTERHUB_OAUTH_SCOPES: accessScopes,
    JUPYTERHUB_OAUTH_ACCESS_SCOPES: accessScopes,
    JUPYTERHUB_OAUTH_CLIENT_ALLOWED_SCOPES: '[]',
    JUPYTERHUB_USER: input.user,
    JUPYTERHUB_SERVER_NAME: input.server,
    JUPYTERHUB_API_URL: api,
    JUPYTERHUB_ACTIVITY_URL: `${api}/users/${user}/activity`,
    JUPYTERHUB_BASE_URL: '/',
    JUPYTERHUB_SERVICE_PREFIX: prefix,
    JUPYTERHUB_SERVICE_URL: `${input.https ? 'https' : 'http'}://0.0.0.0:${input.port}${prefix}`,
    JUPYTERHUB_SETUPTUNNEL_URL: `${api}/users/setuptunnel/${user}/${server}`,
    JUPYTERHUB_EVENTS_URL: `${api}/users/progress/events/${user}/${server}`,
    ...(input.defaultUrl ? { JUPYTERHUB_DEFAULT_URL: input.defaultUrl } : {}),
  };
  return Object.fromEntries(Object.entries(env).filter(([key]) => key.startsWith('JUPYTER_') || key.startsWith('JUPYTERHUB_')));
}
