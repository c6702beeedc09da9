// config.json: the user's systems. Setting names are JupyterHub's and OutpostSpawner's own (snake_case), so an
// admin recognises them; defaults follow the seeds unless a comment says why hubtray differs.
import { z } from 'zod';
import { FormSchema } from './forms.js';
import { SystemName, describeZodError } from './api.js';
import { parseByteSpecification } from './bytes.js';

const Seconds = z.number().positive();
const Command = z.union([z.string().min(1), z.array(z.string()).min(1)]);
const ByteSpec = z.union([z.number().int().nonnegative(), z.string()]).superRefine((value, ctx) => {
  try {
    parseByteSpecification(value);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

/** Spawner settings every system kind shares (JupyterHub `Spawner` traits). */
export const SpawnerSettings = z.object({
  description: z.string().optional(),
  cmd: Command.optional(),
  args: z.array(z.string()).default([]),
  environment: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
  env_keep: z.array(z.string()).default(['PATH', 'PYTHONPATH', 'CONDA_ROOT', 'CONDA_DEFAULT_ENV', 'VIRTUAL_ENV', 'LANG', 'LC_ALL', 'JUPYTERHUB_SINGLEUSER_APP']),
  notebook_dir: z.string().optional(),
  default_url: z.string().optional(),
  // JupyterHub's 60 s; a remote start over SSH includes a login, so it gets the same budget.
  start_timeout: Seconds.default(60),
  http_timeout: Seconds.default(30),
  poll_interval: Seconds.default(30),
  poll_jitter: z.number().min(0).max(1).default(0.1),
  interrupt_timeout: Seconds.default(10),
  term_timeout: Seconds.default(5),
  kill_timeout: Seconds.default(5),
  mem_limit: ByteSpec.optional(),
  mem_guarantee: ByteSpec.optional(),
  cpu_limit: z.number().positive().optional(),
  cpu_guarantee: z.number().positive().optional(),
  options_form: FormSchema.default({ fields: [] }),
  /** JupyterHub 5.3's dict form: user option field -> setting name it may set. */
  apply_user_options: z.record(z.string(), z.string()).default({}),
});
export type SpawnerSettings = z.infer<typeof SpawnerSettings>;

export const LocalSystem = SpawnerSettings.extend({ kind: z.literal('local') }).strict();

export const SshSystem = SpawnerSettings.extend({
  kind: z.literal('ssh'),
  /** An alias from ~/.ssh/config, or a host name. */
  host: z.string().min(1).regex(/^[^\s'"`$;&|<>\\]+$/, 'a host is an ssh config alias or a host name, without spaces or shell characters'),
  user: z.string().optional(),
  port: z.number().int().min(1).max(65535).optional(),
  identity_file: z.string().optional(),
  connect_timeout: Seconds.default(15),
  keepalive_interval: Seconds.default(5),
  keepalive_count_max: z.number().int().min(1).default(3),
}).strict();

export const SystemConfig = z.discriminatedUnion('kind', [LocalSystem, SshSystem]);
export type SystemConfig = z.infer<typeof SystemConfig>;
export type LocalSystemConfig = z.infer<typeof LocalSystem>;
export type SshSystemConfig = z.infer<typeof SshSystem>;

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
export function applyUserOptions<S extends SpawnerSettings>(settings: S, schema: z.ZodType<S>, userOptions: Record<string, unknown>): S {
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
