// `jupyterhub`: servers on a JupyterHub the user has an account on, launched the BinderHub-Launcher way, and the
// servers the user started there by other means, listed next to hubtray's own.
import { z } from 'zod';
import { defineKind } from './kind.js';
import { CommonSettings, ForwardSettings, HookRef, HttpUrl, Seconds, SshHostSettings } from './settings.js';
import { strictSettings } from '../zod-words.js';

/**
 * A JupyterHub the user has an account on, driven the way BinderHub's Launcher drives one (seed 003): its settings
 * keep the Launcher's names and defaults, except where a comment says why hubtray differs.
 */
export const JupyterHubSystem = strictSettings(CommonSettings.extend({
  kind: z.literal('jupyterhub'),
  // Links through the server's jupyter-server-proxy (no SSH leads to a hub's servers): local_port does not apply.
  ...ForwardSettings.shape,
  /** The hub's public URL: what the browser opens. */
  hub_url: HttpUrl,
  /** The hub's internal URL, when API calls go elsewhere than the browser. */
  hub_url_local: HttpUrl.optional(),
  /** Reach the hub through this SSH host (a hub on a private network); hub_url is then as seen from that host. */
  ssh: strictSettings(SshHostSettings).optional(),
  /** The hub user to launch for; default: the API token's owner. Naming another user needs an admin token. */
  user: z.string().min(1).optional(),
  // The Launcher creates temporary users for anonymous Binder sessions; a person's own account already exists.
  create_user: z.boolean().default(false),
  /** The named server to start; '' is the user's default server. A form field may set it via apply_user_options. */
  server_name: z.string().regex(/^[A-Za-z0-9._~-]*$/, 'a JupyterHub server name has no slashes, spaces or other URL characters').default(''),
  allow_named_servers: z.boolean().default(false),
  /** 0 means no limit. Counted as the hub counts it: named servers that exist, stopped or not. */
  named_server_limit_per_user: z.number().int().min(0).default(0),
  /** Stop also removes a named server from the hub (DELETE with remove), so it stops counting against the limit. */
  remove_named_servers: z.boolean().default(false),
  launch_timeout: Seconds.default(600),
  /** Attempts per hub API request; the Launcher's retries. */
  retries: z.number().int().min(1).default(4),
  /** Seconds before the first retry, doubling after each. */
  retry_delay: z.number().min(0).default(4),
  /** A function of hooks.mjs run before each launch (the Launcher's callable); it may refuse or change the launch. */
  pre_launch_hook: HookRef.optional(),
  // hubtray's bound on the whole start; above launch_timeout, so the Launcher's own timeout and message come first.
  start_timeout: Seconds.default(660),
}))
  .refine((s) => s.start_timeout > s.launch_timeout, { message: 'start_timeout must be longer than launch_timeout', path: ['start_timeout'] })
  .refine((s) => s.server_name === '' || s.allow_named_servers, { message: 'a server_name needs allow_named_servers', path: ['server_name'] });
export type JupyterHubSystemConfig = z.infer<typeof JupyterHubSystem>;

export const jupyterhubKind = defineKind({
  kind: 'jupyterhub',
  schema: JupyterHubSystem,
  label: 'JupyterHub',
  add: 'a JupyterHub',
  editorFields: [
    {
      key: 'hub_url',
      label: 'Hub URL',
      type: 'text',
      placeholder: 'https://hub.example.org/',
      help: 'The JupyterHub you log in to in the browser. The first start asks for your hub user name and password once; hubtray creates an API token with them and keeps it in the keychain.',
    },
    {
      key: 'user',
      label: 'Hub user',
      type: 'text',
      placeholder: 'you',
      help: 'Leave empty to start your own servers. Name another user only when you log in as a hub admin: your token then starts servers for them.',
    },
  ],
  describe: (config) => `JupyterHub at ${config.hub_url}${config.ssh ? ` through ${config.ssh.host}` : ''}`,
});
