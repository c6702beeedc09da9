// `outpost`: a JupyterHub Outpost (seed 000) starts the lab; hubtray is its hub, through the personal hub API. Its
// own settings, under OutpostSpawner's names (seed 000). Where the seed lets an option be a
// callable, the setting takes either its plain value or `{"hook": "NAME"}`: the function NAME exported by
// HUBTRAY_HOME/hooks.mjs, called with the seed's arguments (docs/outpost.md). Defaults are the seed's, except where a
// comment says why a desktop differs.
import { z } from 'zod';
import { FormSchema } from '../forms.js';
import { defineKind } from './kind.js';
import { CommonSettings, ForwardSettings, Host, HookRef, HttpUrl, hookable, isHookRef } from './settings.js';
import { strictSettings } from '../zod-words.js';

const Port = z.number().int().min(1).max(65535);
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

/** tornado's HTTPRequest arguments that make sense for hubtray's HTTP client. */
export const RequestKwargs = z
  .object({
    /** Seconds for the whole request; tornado's default is 20. */
    request_timeout: z.number().positive().optional(),
    /** Seconds to connect; tornado's default is 20. */
    connect_timeout: z.number().positive().optional(),
    /** A PEM file of certificate authorities to trust for an https request_url. */
    ca_certs: z.string().min(1).optional(),
    validate_cert: z.boolean().optional(),
    /** A client certificate and its key (PEM files), for an Outpost behind mutual TLS. */
    client_cert: z.string().min(1).optional(),
    client_key: z.string().min(1).optional(),
  })
  .strict();
export type RequestKwargs = z.infer<typeof RequestKwargs>;

/** JupyterHub's progress event, as cancelling_event takes it. */
const EventShape = z.object({
  progress: z.number().min(0).max(100),
  message: z.string().default(''),
  html_message: z.string().optional(),
  failed: z.boolean().optional(),
  ready: z.boolean().optional(),
});

/** The OpenSSH options ssh_forward_options may set, as hubtray's SSH layer understands them. */
export const SshForwardOptions = z
  .object({
    Port: z.union([Port, z.string().regex(/^\d+$/)]).optional(),
    User: z.string().min(1).optional(),
    IdentityFile: z.string().min(1).optional(),
    ServerAliveInterval: z.union([z.number().positive(), z.string().regex(/^\d+$/)]).optional(),
    ServerAliveCountMax: z.union([z.number().int().min(1), z.string().regex(/^\d+$/)]).optional(),
    ConnectTimeout: z.union([z.number().positive(), z.string().regex(/^\d+$/)]).optional(),
    // hubtray's own connection pool is the ControlMaster, and new host keys are always accepted and recorded
    // (accept-new): these are accepted so that an OutpostSpawner configuration can be copied, and change nothing.
    StrictHostKeyChecking: z.string().optional(),
    ControlMaster: z.string().optional(),
    ControlPersist: z.string().optional(),
    ControlPath: z.string().optional(),
  })
  .strict();
export type SshForwardOptions = z.infer<typeof SshForwardOptions>;

// The user option that picks a flavor; the form offers the Outpost's flavors there (GET /flavors/).
export const FLAVOR_FIELD = 'flavor';
// The user option that picks group_overrides' groups (named profiles) for a start.
export const GROUPS_FIELD = 'groups';

const GroupOverride = z.object({ groups: z.array(z.string()), spawner_override: z.record(z.string(), z.unknown()) }).strict();

export const outpostSettingsShape = {
  kind: z.literal('outpost'),
  // Over ssh_node's connection when there is one, else links through the lab's jupyter-server-proxy.
  ...ForwardSettings.shape,
  // --- talking to the Outpost ---
  /** The Outpost's services URL, e.g. https://outpost.example.org/services (a trailing / is dropped, as OutpostSpawner does). */
  request_url: hookable(HttpUrl),
  request_headers: hookable(z.record(z.string(), z.string())).default({}),
  request_kwargs: hookable(RequestKwargs).default({}),
  /**
   * For the start request only. Unset: request_kwargs, but with a request_timeout of 600 s unless request_kwargs sets
   * one, since a synchronous start answers only once the lab runs (tornado's 20 s would fail most starts).
   */
  request_kwargs_start: hookable(RequestKwargs).optional(),
  start_async: hookable(z.boolean()).default(false),
  stop_async: hookable(z.boolean()).default(false),
  request_404_poll_keep_running: z.boolean().default(false),
  request_failed_poll_keep_running: z.boolean().default(true),
  /** Milliseconds between polls (values under 1000 are seconds, as in OutpostSpawner); 0: poll_interval. */
  custom_poll_interval: hookable(z.number().min(0)).default(0),
  collect_logs: z.boolean().default(false),
  collect_logs_polling: z.boolean().default(false),
  // A synchronous start waits for the lab; start_timeout bounds the whole start, above the start request's timeout.
  start_timeout: z.number().positive().default(660),

  // --- what the start request carries ---
  /** JupyterHub's Spawner.environment; like every variable of get_env(), only JUPYTER_* and JUPYTERHUB_* are sent. */
  environment: z.record(EnvName, z.string()).default({}),
  /** Added to the environment after that filter, so any name goes. */
  custom_env: hookable(z.record(EnvName, z.string())).default({}),
  custom_user_options: hookable(z.record(z.string(), z.unknown())).default({}),
  custom_misc: hookable(z.record(z.string(), z.unknown())).default({}),
  custom_misc_disable_default: z.boolean().default(false),
  extra_labels: hookable(z.record(z.string(), z.string())).default({}),
  /** The port the lab is asked to listen on (misc.port); 0: a random free one, as JupyterHub's random_port(). */
  custom_port: hookable(z.number().int().min(0).max(65535)).default(0),
  dns_name_template: z.string().default('{name}.{namespace}.svc.cluster.local'),
  svc_name_template: z.string().default('jupyter-{username}--{servername}'),
  /**
   * PEM files sent as the start body's `certs` (the seed's internal_ssl): the lab's key and certificate, and the CAs
   * it trusts for clients. The lab then serves https to clients holding a certificate those CAs signed; hubtray
   * trusts `cafile` (with additional_cafile) for the lab's certificate and presents client_certfile/client_keyfile,
   * by default the lab's own certificate and key.
   */
  certs: z
    .object({
      keyfile: z.string().min(1),
      certfile: z.string().min(1),
      cafile: z.string().min(1),
      client_keyfile: z.string().min(1).optional(),
      client_certfile: z.string().min(1).optional(),
    })
    .strict()
    .refine((c) => (c.client_keyfile === undefined) === (c.client_certfile === undefined), 'client_keyfile and client_certfile go together')
    .optional(),
  additional_cafile: z.string().min(1).optional(),

  // --- where the lab reaches hubtray's personal hub API ---
  /** JUPYTERHUB_API_URL for the lab, when it reaches hubtray by other means than the remote forward. */
  public_api_url: hookable(HttpUrl).optional(),
  ssh_create_remote_forward: hookable(z.boolean()).default(false),
  /** The remote forward's SSH host; default: ssh_node (and its port, user and key). */
  ssh_remote_node: hookable(Host).optional(),
  ssh_remote_port: hookable(Port).optional(),
  ssh_remote_username: hookable(z.string().min(1)).optional(),
  ssh_remote_key: hookable(z.string().min(1)).optional(),
  /** Where the remote forward listens on its SSH host, and so the address the lab calls; 127.0.0.1 keeps it private to that host. */
  remote_forward_bind_address: z.string().min(1).default('127.0.0.1'),
  /** The remote forward's port on its SSH host; 0: the SSH server picks one. */
  remote_forward_port: z.number().int().min(0).max(65535).default(0),

  // --- where hubtray reaches the lab ---
  /**
   * hubtray's own: hosts besides the Outpost's own (request_url's) where a lab reached directly, without ssh_node, may
   * listen. Whatever reaches the lab's address carries its token, so the Outpost alone does not decide where that is.
   */
  allowed_service_hosts: z.array(Host).default([]),
  /** The SSH node the lab's host:port is reached through; without it, the lab is reached directly. */
  ssh_node: hookable(Host).optional(),
  ssh_port: hookable(Port).optional(),
  /** The seed's default; null takes the User of ~/.ssh/config for ssh_node. */
  ssh_username: hookable(z.string().min(1)).nullable().default('jhuboutpost'),
  /**
   * A private key file, or `keychain:NAME` for the key kept in the keychain (`hubtray secret ssh-key NAME`), which never
   * touches the disk; unset: ssh-agent and the keys ~/.ssh/config names.
   */
  ssh_key: hookable(z.string().min(1)).optional(),
  /** ssh_node as reached from here, by the name the Outpost side uses for it. */
  ssh_node_mapping: hookable(z.record(z.string(), Host)).default({}),
  ssh_forward_options: hookable(SshForwardOptions).default({}),
  // The seed's default is false (the hub reaches the lab directly in-cluster); on a desktop, a configured ssh_node is
  // the only way in.
  ssh_during_startup: hookable(z.boolean()).default(true),
  // The seed's default is false (forwards outsourced to another pod); hubtray is the only one forwarding for its labs.
  ssh_recreate_at_start: hookable(z.boolean()).default(true),

  // --- per-start settings ---
  /** JupyterHub's group_overrides; a start applies those whose groups meet `groups` or the form's groups field. */
  group_overrides: hookable(z.record(z.string(), GroupOverride)).default({}),
  /** The groups (named profiles) every start on this system is in; a desktop user has no hub groups. */
  groups: z.array(z.string()).default([]),
  /** The seed's callable apply_user_options (the dict form is apply_user_options): its answer overrides settings for the start. */
  apply_user_options_hook: HookRef.optional(),

  // --- progress and hooks ---
  show_first_default_event: hookable(z.boolean()).default(true),
  cancelling_event: hookable(EventShape).default({ failed: false, ready: false, progress: 99, message: '', html_message: 'JupyterLab is cancelling the start.' }),
  filter_events: HookRef.optional(),
  progress_ready_hook: HookRef.optional(),
  check_allowed: HookRef.optional(),
  pre_poll_hook: HookRef.optional(),
  pre_stop_hook: HookRef.optional(),
  post_spawn_request_hook: HookRef.optional(),
  failed_spawn_request_hook: HookRef.optional(),
  update_start_response: HookRef.optional(),
  update_expected_path: HookRef.optional(),

  // The flavor field is there by default, so the form can offer the Outpost's flavors (see FLAVOR_FIELD).
  options_form: FormSchema.default({ fields: [{ name: FLAVOR_FIELD, type: 'text', label: 'Flavor' }] }),
};

/** A JupyterHub Outpost (seed 000): the lab is started through its REST API and reaches hubtray's personal hub API. */
export const OutpostSystem = strictSettings(CommonSettings.extend(outpostSettingsShape));
export type OutpostSystemConfig = z.infer<typeof OutpostSystem>;

export const outpostKind = defineKind({
  kind: 'outpost',
  schema: OutpostSystem,
  label: 'JupyterHub Outpost',
  // Its settings are an Outpost admin's (request_url, credentials, SSH forwarding): set up in config.json.
  add: null,
  editorFields: [],
  describe: (config) => {
    const where = isHookRef(config.request_url) ? `the address hooks.mjs gives (${config.request_url.hook})` : config.request_url;
    const through = config.ssh_node && !isHookRef(config.ssh_node) ? `, reached through ${config.ssh_node}` : '';
    return `JupyterLab from the JupyterHub Outpost at ${where}${through}`;
  },
});
