// config.json: the user's systems. Setting names are JupyterHub's and OutpostSpawner's own (snake_case), so an
// admin recognises them; defaults follow the seeds unless a comment says why hubtray differs.
import { z } from 'zod';
import { FormSchema } from './forms.js';
import { SystemName, describeZodError } from './api.js';
import { ByteSpecification } from './bytes.js';
import { slurmSettingsShape } from './slurm-settings.js';
import { HookRef, outpostSettingsShape } from './outpost-settings.js';

const Seconds = z.number().positive();
const Command = z.union([z.string().min(1), z.array(z.string()).min(1)]);

/** Settings every system kind shares: how hubtray starts, waits for, polls and offers a server. */
export const CommonSettings = z.object({
  description: z.string().optional(),
  default_url: z.string().optional(),
  // JupyterHub's 60 s; a remote start over SSH includes a login, so it gets the same budget.
  start_timeout: Seconds.default(60),
  http_timeout: Seconds.default(30),
  poll_interval: Seconds.default(30),
  poll_jitter: z.number().min(0).max(1).default(0.1),
  options_form: FormSchema.default({ fields: [] }),
  /** JupyterHub 5.3's dict form: user option field -> setting name it may set. */
  apply_user_options: z.record(z.string(), z.string()).default({}),
});
export type CommonSettings = z.infer<typeof CommonSettings>;

/** The settings of kinds whose spawner runs the server process itself (JupyterHub `Spawner` traits). */
export const SpawnerSettings = CommonSettings.extend({
  cmd: Command.optional(),
  args: z.array(z.string()).default([]),
  environment: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
  env_keep: z.array(z.string()).default(['PATH', 'PYTHONPATH', 'CONDA_ROOT', 'CONDA_DEFAULT_ENV', 'VIRTUAL_ENV', 'LANG', 'LC_ALL', 'JUPYTERHUB_SINGLEUSER_APP']),
  notebook_dir: z.string().optional(),
  interrupt_timeout: Seconds.default(10),
  term_timeout: Seconds.default(5),
  kill_timeout: Seconds.default(5),
  mem_limit: ByteSpecification.optional(),
  mem_guarantee: ByteSpecification.optional(),
  cpu_limit: z.number().positive().optional(),
  cpu_guarantee: z.number().positive().optional(),
});
export type SpawnerSettings = z.infer<typeof SpawnerSettings>;

export const LocalSystem = SpawnerSettings.extend({ kind: z.literal('local') }).strict();

/** How to reach a host over SSH; shared by every kind that goes through one. */
export const SshHostSettings = z.object({
  /** An alias from ~/.ssh/config, or a host name. */
  host: z.string().min(1).regex(/^[^\s'"`$;&|<>\\]+$/, 'a host is an ssh config alias or a host name, without spaces or shell characters'),
  user: z.string().optional(),
  port: z.number().int().min(1).max(65535).optional(),
  identity_file: z.string().optional(),
  connect_timeout: Seconds.default(15),
  // ssh2 declares a link dead after keepalive_count_max unanswered probes: 4 s × 3 notices an idle dead link in ~15 s.
  keepalive_interval: Seconds.default(4),
  keepalive_count_max: z.number().int().min(1).default(3),
});
export type SshHostSettings = z.infer<typeof SshHostSettings>;

export const SshSystem = SpawnerSettings.extend({ kind: z.literal('ssh'), ...SshHostSettings.shape }).strict();

const HttpUrl = z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' });

/**
 * A JupyterHub the user has an account on, driven the way BinderHub's Launcher drives one (seed 003): its settings
 * keep the Launcher's names and defaults, except where a comment says why hubtray differs.
 */
export const JupyterHubSystem = CommonSettings.extend({
  kind: z.literal('jupyterhub'),
  /** The hub's public URL: what the browser opens. */
  hub_url: HttpUrl,
  /** The hub's internal URL, when API calls go elsewhere than the browser. */
  hub_url_local: HttpUrl.optional(),
  /** Reach the hub through this SSH host (a hub on a private network); hub_url is then as seen from that host. */
  ssh: SshHostSettings.strict().optional(),
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
})
  .strict()
  .refine((s) => s.start_timeout > s.launch_timeout, { message: 'start_timeout must be longer than launch_timeout', path: ['start_timeout'] })
  .refine((s) => s.server_name === '' || s.allow_named_servers, { message: 'a server_name needs allow_named_servers', path: ['server_name'] });

/** A Slurm cluster: the server runs as a batch job on a compute node, reached through the login node (SSH settings). */
export const SlurmSystem = SpawnerSettings.extend({ ...SshHostSettings.shape, ...slurmSettingsShape }).strict();

/** A JupyterHub Outpost (seed 000): the lab is started through its REST API and reaches hubtray's personal hub API. */
export const OutpostSystem = CommonSettings.extend(outpostSettingsShape).strict();

export const SystemConfig = z.discriminatedUnion('kind', [LocalSystem, SshSystem, JupyterHubSystem, SlurmSystem, OutpostSystem]);
export type SystemConfig = z.infer<typeof SystemConfig>;
export type LocalSystemConfig = z.infer<typeof LocalSystem>;
export type SshSystemConfig = z.infer<typeof SshSystem>;
export type JupyterHubSystemConfig = z.infer<typeof JupyterHubSystem>;
export type SlurmSystemConfig = z.infer<typeof SlurmSystem>;
export type OutpostSystemConfig = z.infer<typeof OutpostSystem>;

export const HubConfig = z
  .object({
    $schema: z.string().optional(),
    systems: z.record(SystemName, SystemConfig).default({}),
    /** How long a passphrase, password or 2FA prompt waits for an answer. */
    prompt_timeout: Seconds.default(120),
  })
  .strict();
export type HubConfig = z.infer<typeof HubConfig>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function parseConfig(value: unknown, source = 'config.json'): HubConfig {
  const parsed = HubConfig.safeParse(value);
  if (!parsed.success) throw new ConfigError(`${source}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** The JSON Schema published for editors (`docs/config.schema.json`). */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(HubConfig, { io: 'input', unrepresentable: 'any' });
}

/**
 * JupyterHub 5.3's `apply_user_options` dict mode: a user option may set the one setting it is mapped to, and a
 * string is coerced the way traitlets' `from_string` would (so "2G" or "30" from a form field work).
 */
export function applyUserOptions<S extends CommonSettings>(settings: S, schema: z.ZodType<S>, userOptions: Record<string, unknown>): S {
  const next: Record<string, unknown> = { ...settings };
  for (const [field, setting] of Object.entries(settings.apply_user_options)) {
    if (!(field in userOptions)) continue;
    next[setting] = fromString(userOptions[field]);
  }
  const parsed = schema.safeParse(next);
  if (!parsed.success) throw new ConfigError(`user options: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

function fromString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}
