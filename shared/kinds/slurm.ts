// `slurm`: JupyterLab as a batch job on a cluster's compute node, submitted and watched through the login node (the
// system's SSH settings) and reached through it. Its own settings keep batchspawner's names (req_*); the options form
// they appear in by default is here too. Every req_* value that lands in an #SBATCH line is checked against Slurm's own syntax here, so a value can never
// smuggle a second directive or a line of shell into the batch script; free text (req_options, the prologue and
// epilogue) is only ever placed where it is meant to be code or directives.
import { z } from 'zod';
import { ByteSpecification } from '../bytes.js';
import { FormSchema } from '../forms.js';
import { defineKind } from './kind.js';
import { cullSettingsShape, EnvironmentSettings, ForwardSettings, pythonEnvironmentField, SpawnerSettings, SshHostSettings, shellEditorFields, sshEditorFields } from './settings.js';
import { strictSettings } from '../zod-words.js';

/** Partition, account, QOS and reservation names: Slurm's characters, comma-separated where Slurm takes a list. */
const NAMES = '[A-Za-z0-9_.+-]+(?:,[A-Za-z0-9_.+-]+)*';
/** sbatch --time: M, M:S, H:M:S, D-H, D-H:M or D-H:M:S. */
const WALLTIME = '\\d+(?:-\\d+)?(?::\\d+){0,2}';
/** parseByteSpecification's syntax, for the form. */
const MEMORY = '\\s*\\d+(?:\\.\\d+)?\\s*[KMGTkmgt]?\\s*';
/** Each line of req_options is one or more sbatch options, with or without its "#SBATCH" prefix. */
const OPTION_LINE = /^\s*(?:#SBATCH\s+)?-/;

/** The placeholders a batch_script template may use; {{cmd}} (what starts the server) is required. */
export const BATCH_SCRIPT_PLACEHOLDERS = [
  'cmd',
  'directives',
  'prologue',
  'epilogue',
  'partition',
  'account',
  'qos',
  'reservation',
  'runtime',
  'nprocs',
  'memory',
  'ngpus',
] as const;
export type BatchScriptPlaceholder = (typeof BATCH_SCRIPT_PLACEHOLDERS)[number];
export const PLACEHOLDER = /\{\{\s*([A-Za-z_]+)\s*\}\}/g;

// apply_user_options coerces "123" into 123 (traitlets' from_string), so a name made of digits arrives as a number.
const names = (what: string) =>
  z
    .union([z.string().regex(new RegExp(`^(?:${NAMES})?$`), `a ${what} name uses letters, digits and . _ + - only`), z.number().int().nonnegative().transform(String)])
    .default('');
const noNul = z.string().refine((s) => !s.includes('\0'), 'cannot contain a NUL character');

const text = (name: string, label: string, help?: string, pattern?: string) => ({
  name,
  type: 'text' as const,
  label,
  ...(help ? { help } : {}),
  ...(pattern ? { pattern: `(?:${pattern})?` } : {}),
});

/** The options form a Slurm system offers unless its config names another. */
export const slurmOptionsForm: FormSchema = {
  fields: [
    text('req_partition', 'Partition', 'Empty: the cluster default', NAMES),
    text('req_account', 'Account', 'Empty: your default account', NAMES),
    text('req_qos', 'QOS', 'Empty: the default QOS', NAMES),
    text('req_reservation', 'Reservation', undefined, NAMES),
    text('req_runtime', 'Walltime', 'M, H:M:S or D-H:M:S; empty: the partition default', WALLTIME),
    { name: 'req_nprocs', type: 'number', label: 'CPUs', integer: true, min: 1, max: 4096 },
    text('req_memory', 'Memory', 'e.g. 4G; empty: the partition default', MEMORY),
    { name: 'req_ngpus', type: 'number', label: 'GPUs', integer: true, min: 0, max: 64 },
    text('req_options', 'Extra sbatch options', 'e.g. --constraint=haswell'),
    text('req_prologue', 'Prologue', 'Shell code run first, e.g. module load jupyter'),
    text('req_epilogue', 'Epilogue', 'Shell code run after the server'),
    pythonEnvironmentField,
  ],
};

/** Every field of the default form sets the setting of the same name. */
export const slurmUserOptions: Record<string, string> = Object.fromEntries(slurmOptionsForm.fields.map((f) => [f.name, f.name]));

const slurmSettingsShape = {
  kind: z.literal('slurm'),
  // batchspawner's default: a batch job's start includes its wait in the queue.
  start_timeout: z.number().positive().default(300),
  // A forgotten job holds a node and spends allocation hours: culled after an hour idle (Zero to JupyterHub's
  // default), and at the latest when its walltime ends, which is the bound of its age that Slurm keeps itself.
  ...cullSettingsShape(3600),
  req_partition: names('partition'),
  req_account: names('account'),
  req_qos: names('QOS'),
  req_reservation: names('reservation'),
  /** Walltime, in sbatch --time syntax; a bare number is minutes, as for sbatch. '' leaves the partition's default. */
  req_runtime: z
    .union([z.number().int().positive().transform(String), z.string().regex(new RegExp(`^(?:${WALLTIME})?$`), 'a walltime is M, M:S, H:M:S, D-H, D-H:M or D-H:M:S')])
    .default(''),
  req_nprocs: z.number().int().min(1).optional(),
  /** A ByteSpecification; sbatch gets it in MiB, rounded up. */
  req_memory: z.preprocess((v) => (v === '' ? undefined : v), ByteSpecification.optional()),
  /** GPUs, requested as --gres=gpu:N. A GPU type or other gres goes in req_options. */
  req_ngpus: z.number().int().min(0).optional(),
  /** Extra #SBATCH lines, one per line. */
  req_options: noNul
    .refine((s) => s.split('\n').every((line) => line.trim() === '' || OPTION_LINE.test(line)), 'each line of req_options is an sbatch option, like --constraint=haswell')
    .default(''),
  /** Shell code run in the job before the server, e.g. `module load jupyter`; if its last command fails, the server is not started. */
  req_prologue: noNul.default(''),
  /** Shell code run in the job after the server has ended. */
  req_epilogue: noNul.default(''),
  /** The batch script template; see docs/slurm.md for the default and the placeholders. */
  batch_script: noNul
    .refine((s) => /\{\{\s*cmd\s*\}\}/.test(s), 'batch_script must contain {{cmd}}, which starts the server')
    .refine(
      (s) => [...s.matchAll(PLACEHOLDER)].every((m) => (BATCH_SCRIPT_PLACEHOLDERS as readonly string[]).includes(m[1] ?? '')),
      `batch_script may only use the placeholders ${BATCH_SCRIPT_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
    )
    .optional(),
  /** batchspawner's exec_prefix, as a list of words put before every Slurm command on the login node. */
  exec_prefix: z.array(z.string().min(1)).default([]),
  /** Slurm node name -> host name the login node reaches it by (OutpostSpawner's ssh_node_mapping, as a table). */
  ssh_node_mapping: z.record(z.string(), z.string().regex(/^[A-Za-z0-9.:_-]+$/, 'a host name or address')).default({}),
  // batchspawner's default: the server must be reachable from the login node, which is another host.
  ip: z.string().regex(/^[A-Za-z0-9.:_-]+$/, 'an address or host name').default('0.0.0.0'),
  // batchspawner polls every 0.5 s per job; hubtray's one squeue serves every job of the cluster, and is spaced
  // wider to spare slurmctld.
  startup_poll_interval: z.number().positive().default(2),
  options_form: FormSchema.default(() => slurmOptionsForm),
  apply_user_options: z.record(z.string(), z.string()).default(() => slurmUserOptions),
};

/** A Slurm cluster: the server runs as a batch job on a compute node, reached through the login node (SSH settings). */
export const SlurmSystem = strictSettings(SpawnerSettings.extend({ ...SshHostSettings.shape, ...EnvironmentSettings.shape, ...ForwardSettings.shape, ...slurmSettingsShape }));
export type SlurmSystemConfig = z.infer<typeof SlurmSystem>;

export const slurmKind = defineKind({
  kind: 'slurm',
  schema: SlurmSystem,
  label: 'Slurm cluster',
  add: 'a Slurm cluster',
  editorFields: [...sshEditorFields, ...shellEditorFields],
  describe: (config) => `JupyterLab as a Slurm batch job, through ${config.host}`,
});
