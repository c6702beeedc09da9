// The settings blocks several kinds share, and the editor fields that go with them. Names are JupyterHub's own
// (snake_case), so an admin recognises them; defaults follow the seeds unless a comment says why hubtray differs.
import { z } from 'zod';
import { FormSchema } from '../forms.js';
import { ByteSpecification } from '../bytes.js';
import type { FormField } from '../forms.js';
import type { EditorField } from './kind.js';
import { ForwardName, forwardClash, LocalPort, RemotePort } from '../forwards.js';

export const Seconds = z.number().positive('must be a number of seconds above 0');
const Command = z.union([z.string().min(1), z.array(z.string()).min(1)]);
export const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
/** An ssh config alias or a host name: it reaches a remote shell's command line, so no shell characters. */
export const Host = z.string().min(1).regex(/^[^\s'"`$;&|<>\\]+$/, 'a host is an ssh config alias or a host name, without spaces or shell characters');

const SecondsOrOff = z.number().min(0, 'must be a number of seconds, or 0 for off');

/**
 * Idle culling, under jupyterhub-idle-culler's names (its --timeout, --cull-every, --max-age) and Jupyter's cull_busy.
 * `idleTimeout` is the kind's default: 0 (off) unless a kind's servers cost something while forgotten (a batch job).
 */
export function cullSettingsShape(idleTimeout: number) {
  return {
    /** Seconds without activity after which the server is stopped; 0: never. */
    cull_idle_timeout: SecondsOrOff.default(idleTimeout),
    /** Seconds between checks; 0: half of cull_idle_timeout, as the idle culler does. */
    cull_every: SecondsOrOff.default(0),
    /** Seconds after its start after which the server is stopped even if busy; 0: no limit. */
    cull_max_age: SecondsOrOff.default(0),
    /** Whether a server whose kernels are busy counts as idle. */
    cull_busy: z.boolean().default(false),
    /** hubtray's own: how many seconds before a cull the user is warned and may keep the server running. */
    cull_warning: SecondsOrOff.default(300),
  };
}

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
  ...cullSettingsShape(0),
});
export type CommonSettings = z.infer<typeof CommonSettings>;

/** The settings of kinds whose spawner runs the server process itself (JupyterHub `Spawner` traits). */
export const SpawnerSettings = CommonSettings.extend({
  cmd: Command.optional(),
  args: z.array(z.string()).default([]),
  environment: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name is letters, digits and _, not starting with a digit'), z.string()).default({}),
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

/**
 * Which SSH client logs in: hubtray's own (ssh2) or the system's OpenSSH (`ssh`, as a master connection hubtray owns),
 * for what ssh2 cannot do (Kerberos, FIDO keys, PKCS#11). `auto` takes OpenSSH only when the host's ssh config needs it.
 */
export const SshTransport = z
  .enum(['auto', 'ssh2', 'openssh'])
  .describe(
    "Which SSH client logs in: 'ssh2' (hubtray's own), 'openssh' (the system's ssh, as a master connection hubtray owns), or 'auto' (OpenSSH only when the host's ssh config needs it: GSSAPIAuthentication, PKCS11Provider, SecurityKeyProvider, a FIDO sk- key). Unset: $HUBTRAY_SSH_TRANSPORT, else 'auto'",
  );
export type SshTransport = z.infer<typeof SshTransport>;

/** How to reach a host over SSH; shared by every kind that goes through one. */
export const SshHostSettings = z.object({
  /** An alias from ~/.ssh/config, or a host name. */
  host: Host,
  user: z.string().optional(),
  port: z
    .number()
    .int('must be a whole number, between 1 and 65535')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .optional(),
  identity_file: z.string().optional(),
  connect_timeout: Seconds.default(15),
  // ssh2 declares a link dead after keepalive_count_max unanswered probes: 4 s × 3 notices an idle dead link in ~15 s.
  keepalive_interval: Seconds.default(4),
  keepalive_count_max: z.number().int().min(1).default(3),
  // No default here: unset means $HUBTRAY_SSH_TRANSPORT, else auto (decided where the connection is made).
  ssh_transport: SshTransport.optional(),
});
export type SshHostSettings = z.infer<typeof SshHostSettings>;

/**
 * One more port of a server's host (a dashboard beside Jupyter): on 127.0.0.1 through the server's SSH connection, or a
 * link through its jupyter-server-proxy where no SSH leads there (local_port then does not apply).
 */
export const ExtraForward = z
  .object({ name: ForwardName, remote_port: RemotePort, local_port: LocalPort.default(0) })
  .strict();
export type ExtraForward = z.infer<typeof ExtraForward>;

/** The settings of kinds whose servers have further ports to reach (all but local: those are on this computer). */
export const ForwardSettings = z.object({
  extra_forwards: z
    .array(ExtraForward)
    .max(32, 'must list at most 32 forwards')
    .default([])
    .superRefine((forwards, ctx) => {
      const clash = forwardClash(forwards.map((f) => ({ name: f.name, remotePort: f.remote_port, localPort: f.local_port })));
      if (clash) ctx.addIssue({ code: 'custom', message: clash });
    }),
});

/** A system's extra_forwards, for any kind (none for a kind without them). */
export function extraForwardsOf(settings: object): ExtraForward[] {
  const parsed = ForwardSettings.shape.extra_forwards.safeParse((settings as { extra_forwards?: unknown }).extra_forwards);
  return parsed.success ? parsed.data : [];
}

/** What `module load` may be given: it lands in shell code, so no shell characters. */
export const MODULE_NAME = '[A-Za-z0-9_.+-][A-Za-z0-9_.+/-]{0,199}';
/** An environment's prefix (a conda environment or a virtualenv), or `module:NAME`. */
const PYTHON_ENVIRONMENT = `(?:/[^\\n\\x00]{0,1023}|module:${MODULE_NAME})`;

/** The Python environment a shell-started server on a remote host runs in, and where virtualenvs are looked for. */
export const EnvironmentSettings = z.object({
  /**
   * '' runs cmd as configured; a prefix runs cmd's server with that environment's python (`PREFIX/bin/python -m
   * jupyterlab` for `jupyter lab`); `module:NAME` runs `module load NAME` first. The options form offers those found.
   */
  python_environment: z
    .string()
    .regex(new RegExp(`^${PYTHON_ENVIRONMENT}?$`), 'a Python environment is the absolute path of a conda environment or virtualenv, or module:NAME')
    .default(''),
  /** Folders whose subfolders (or which themselves) are virtualenvs, offered in the options form; `~/` is the host's home. */
  environment_folders: z.array(z.string().min(1).refine((s) => !s.includes('\n') && !s.includes('\0'), 'a folder path is one line, without NUL')).default([]),
});
export type EnvironmentSettings = z.infer<typeof EnvironmentSettings>;

/** The options form's field for python_environment; the live form turns it into the host's environments as choices. */
export const pythonEnvironmentField: FormField = {
  name: 'python_environment',
  type: 'text',
  label: 'Python environment',
  help: 'Empty: the Jupyter command as configured. Else an environment folder (conda or virtualenv), or module:NAME',
  pattern: `${PYTHON_ENVIRONMENT}?`,
};

/** `{"hook": "name"}`: a function exported by hooks.mjs stands in for the value. */
export const HookRef = z
  .object({ hook: z.string().regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/, 'a hook names a function that hooks.mjs exports') })
  .strict();
export type HookRef = z.infer<typeof HookRef>;

export function isHookRef(value: unknown): value is HookRef {
  return HookRef.safeParse(value).success;
}

/** The option's plain value, or a hook that computes it. */
export function hookable<T extends z.ZodType>(value: T) {
  return z.union([value, HookRef]);
}

/** The editor fields of a kind whose servers a shell starts (this computer, an SSH host, a batch job). */
export const shellEditorFields: EditorField[] = [
  {
    key: 'cmd',
    label: 'Jupyter command',
    type: 'words',
    placeholder: 'jupyter lab',
    help: 'What starts Jupyter there. Use the full path when it is not on the PATH of a non-login shell, e.g. /opt/conda/bin/jupyter lab.',
  },
  { key: 'args', label: 'Extra arguments', type: 'words', placeholder: '--ServerApp.shutdown_no_activity_timeout=3600', help: 'Added after the command. Quote an argument that holds spaces.' },
  { key: 'notebook_dir', label: 'Notebook folder', type: 'text', placeholder: '~', help: 'Where Jupyter opens. {username} is replaced by the user name.' },
  { key: 'start_timeout', label: 'Start timeout (seconds)', type: 'number', placeholder: '60', help: 'How long a start may take before it is given up and cleaned up.' },
  {
    key: 'http_timeout',
    label: 'HTTP timeout (seconds)',
    type: 'number',
    placeholder: '30',
    help: "How long the server may take to answer once its process runs (JupyterHub's default is 30). Raise it for a server that is slow to start, and keep Start timeout longer.",
  },
];

/** The editor fields of a kind reached over SSH. */
export const sshEditorFields: EditorField[] = [
  { key: 'host', label: 'Host', type: 'text', placeholder: 'cluster.example.org', help: 'A host name, or an alias from ~/.ssh/config (its HostName, User, Port, IdentityFile and ProxyJump apply).' },
  { key: 'user', label: 'User', type: 'text', placeholder: 'from ~/.ssh/config, else your login name', help: '' },
  { key: 'port', label: 'Port', type: 'number', placeholder: '22', help: '' },
  { key: 'identity_file', label: 'Key file', type: 'text', placeholder: '~/.ssh/id_ed25519', help: 'Leave empty to use ssh-agent and ~/.ssh/config. A passphrase, password or 2FA code is asked for when needed.' },
];
