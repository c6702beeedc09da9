// The one contract between the Hub and every face (Electron IPC, local API server, CLI, renderer).
// Each method names its argument and result schemas; each event names its payload schema. Faces validate
// arguments before they reach the Hub and results before they reach a caller, so a bug or a hostile peer on
// either side is caught at the boundary rather than deep inside.
import { z } from 'zod';
import { FormSchema } from './forms.js';

export const ServerName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'a server name is 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit');
export const SystemName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._ -]{0,62}$/, 'a system name is 1-63 letters, digits, spaces, ".", "_" or "-"');

/** JupyterHub's progress event, as yielded by `Spawner.progress()`. */
export const ProgressEvent = z.object({
  progress: z.number().min(0).max(100),
  message: z.string(),
  html_message: z.string().optional(),
  ready: z.boolean().optional(),
  failed: z.boolean().optional(),
});
export type ProgressEvent = z.infer<typeof ProgressEvent>;

export const SystemKind = z.enum(['local', 'ssh', 'jupyterhub', 'slurm', 'outpost']);
export type SystemKind = z.infer<typeof SystemKind>;

const Options = z.record(z.string(), z.unknown());

export const PresetName = z.string().trim().min(1, 'a preset needs a name').max(64, 'a preset name is at most 64 characters');

export const SystemInfo = z.object({
  name: SystemName,
  kind: SystemKind,
  description: z.string(),
  form: FormSchema,
  lastOptions: Options,
  /** Named sets of options the user saved for this system. */
  presets: z.record(z.string(), Options),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

export const ServerStatus = z.enum(['starting', 'running', 'stopping', 'stopped', 'failed', 'cancelled']);
export type ServerStatus = z.infer<typeof ServerStatus>;

export const TunnelHealth = z.object({
  state: z.enum(['none', 'connected', 'reconnecting', 'failed']),
  localPort: z.number().int().optional(),
  attempt: z.number().int().optional(),
  nextTryInSeconds: z.number().optional(),
  lastError: z.string().optional(),
});
export type TunnelHealth = z.infer<typeof TunnelHealth>;

/** A server as every face sees it. `url` never carries the token: `open` hands out the authenticated URL. */
export const ServerInfo = z.object({
  name: ServerName,
  system: SystemName,
  kind: SystemKind,
  status: ServerStatus,
  url: z.string().nullable(),
  progress: z.number().min(0).max(100),
  userOptions: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  readyAt: z.string().nullable(),
  stoppedAt: z.string().nullable(),
  exitStatus: z.number().int().nullable(),
  reason: z.string().nullable(),
  tunnel: TunnelHealth,
  /** For a batch job: seconds until its walltime ends, as of this snapshot. Absent when there is no time limit. */
  walltimeLeftSeconds: z.number().int().min(0).optional(),
  events: z.array(ProgressEvent),
});
export type ServerInfo = z.infer<typeof ServerInfo>;

export const PromptKind = z.enum(['passphrase', 'password', 'keyboard-interactive']);
export const Prompt = z.object({
  id: z.string(),
  kind: PromptKind,
  title: z.string(),
  instructions: z.string(),
  questions: z.array(z.object({ text: z.string(), echo: z.boolean() })),
  /** Whether the answer may be remembered in the OS keychain. */
  canRemember: z.boolean(),
});
export type Prompt = z.infer<typeof Prompt>;

export const PromptAnswer = z.object({
  id: z.string(),
  answers: z.array(z.string().max(4096)).max(16),
  remember: z.boolean().default(false),
});
export type PromptAnswer = z.infer<typeof PromptAnswer>;

const Empty = z.object({}).strict();
const ByName = z.object({ name: ServerName }).strict();
const Ok = z.object({ ok: z.literal(true) });

/**
 * Options arrive in one of two shapes: `options` (already typed, as the JupyterHub REST API takes them) or
 * `formData` (a mapping of field to a list of strings, as an HTML form posts them, coerced by options_from_form).
 */
export const StartArgs = z
  .object({
    system: SystemName,
    name: ServerName.optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    formData: z.record(z.string(), z.array(z.string())).optional(),
  })
  .strict();
export type StartArgs = z.infer<typeof StartArgs>;

/**
 * config.json's systems as the file has them (defaults left implicit), for editing. `embedded` names systems that
 * hubtray adds by itself (the built-in "This computer"): they are listed as they would be written, but the file
 * does not hold them until a system is saved.
 */
export const SystemSettings = z.object({
  file: z.string(),
  systems: z.record(z.string(), Options),
  embedded: z.array(SystemName),
});
export type SystemSettings = z.infer<typeof SystemSettings>;

/** What "test connection" found: whether the system is reachable and its Jupyter command is there. */
export const ConnectionReport = z.object({ ok: z.boolean(), message: z.string() });
export type ConnectionReport = z.infer<typeof ConnectionReport>;

export const methods = {
  listSystems: { args: Empty, result: z.array(SystemInfo) },
  listServers: { args: Empty, result: z.array(ServerInfo) },
  start: { args: StartArgs, result: ServerInfo },
  cancel: { args: ByName, result: ServerInfo },
  stop: { args: z.object({ name: ServerName, now: z.boolean().optional() }).strict(), result: ServerInfo },
  /** `note` says why the URL does not log the browser in by itself (e.g. it is a JupyterHub's login page). */
  open: { args: ByName, result: z.object({ url: z.string(), note: z.string().optional() }) },
  logs: { args: ByName, result: z.object({ text: z.string() }) },
  /** Drops a server that has ended (stopped, failed or cancelled) from the list and the state file. */
  forget: { args: ByName, result: Ok },
  pendingPrompts: { args: Empty, result: z.array(Prompt) },
  answerPrompt: { args: PromptAnswer, result: Ok },
  setSecret: { args: z.object({ key: z.string().min(1).max(200), value: z.string().min(1) }).strict(), result: Ok },
  deleteSecret: { args: z.object({ key: z.string().min(1).max(200) }).strict(), result: z.object({ deleted: z.boolean() }) },
  /** Systems settings. Every change is validated, written to config.json and applied at once. */
  getSystemSettings: { args: Empty, result: SystemSettings },
  /** Adds or replaces system `name`; with `previous`, renames that system. `settings` is checked against its kind. */
  saveSystem: {
    args: z.object({ name: SystemName, previous: SystemName.optional(), settings: Options }).strict(),
    result: z.array(SystemInfo),
  },
  removeSystem: { args: z.object({ name: SystemName }).strict(), result: z.array(SystemInfo) },
  /** Re-reads config.json after a hand edit. Running servers keep the settings they were started with. */
  reloadConfig: { args: Empty, result: z.array(SystemInfo) },
  /** Tries settings that need not be saved yet: reaches the host (prompting as a start would) and looks for the command. */
  testConnection: { args: z.object({ settings: Options }).strict(), result: ConnectionReport },
  savePreset: { args: z.object({ system: SystemName, preset: PresetName, options: Options }).strict(), result: SystemInfo },
  deletePreset: { args: z.object({ system: SystemName, preset: PresetName }).strict(), result: SystemInfo },
} as const;

export type MethodName = keyof typeof methods;
export type MethodArgs<M extends MethodName> = z.input<(typeof methods)[M]['args']>;
export type MethodResult<M extends MethodName> = z.infer<(typeof methods)[M]['result']>;

export const events = {
  /** A server was added or changed. */
  server: ServerInfo,
  /** A server that had ended was forgotten: faces drop it. */
  forgotten: z.object({ name: ServerName }),
  /** A server's start produced a progress event. */
  progress: z.object({ name: ServerName, event: ProgressEvent }),
  /** The Hub needs an answer from the user. */
  prompt: Prompt,
  /** A prompt was answered, or timed out. */
  promptClosed: z.object({ id: z.string() }),
  /** The systems changed: config.json was saved or reloaded, or a preset or the last options changed. */
  systems: z.array(SystemInfo),
  /** Something worth telling the user that belongs to no server, e.g. a corrupt state file kept as a backup. */
  notice: z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() }),
} as const;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;
export type HubEvent = { [E in EventName]: { event: E; data: EventPayload<E> } }[EventName];

/** What the Hub implements, and what every client exposes. */
export type HubApi = { [M in MethodName]: (args: MethodArgs<M>) => Promise<MethodResult<M>> };

/** Errors cross the boundary as a code and a message a person can act on; never a stack. */
export const ApiError = z.object({ code: z.string(), message: z.string() });
export type ApiError = z.infer<typeof ApiError>;

export class HubError extends Error {
  constructor(
    readonly code: 'bad-request' | 'not-found' | 'conflict' | 'failed' | 'unauthorized' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'HubError';
  }
}

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

/** Validates arguments for `method`, turning a schema failure into a message naming the bad field. */
export function parseArgs<M extends MethodName>(method: M, args: unknown): z.infer<(typeof methods)[M]['args']> {
  const parsed = methods[method].args.safeParse(args ?? {});
  if (!parsed.success) throw new HubError('bad-request', `${method}: ${describeZodError(parsed.error)}`);
  return parsed.data as z.infer<(typeof methods)[M]['args']>;
}

export function parseResult<M extends MethodName>(method: M, result: unknown): MethodResult<M> {
  const parsed = methods[method].result.safeParse(result);
  if (!parsed.success) throw new HubError('failed', `${method} returned a malformed result: ${describeZodError(parsed.error)}`);
  return parsed.data as MethodResult<M>;
}

export function parseEvent(value: unknown): HubEvent {
  const envelope = z.object({ event: z.string(), data: z.unknown() }).parse(value);
  if (!Object.prototype.hasOwnProperty.call(events, envelope.event)) throw new Error(`unknown event ${envelope.event}`);
  const schema = events[envelope.event as EventName];
  return { event: envelope.event, data: schema.parse(envelope.data) } as HubEvent;
}

export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/** How faces hear the Hub's events. The returned function unsubscribes. */
export interface HubEventSource {
  subscribe(listener: (event: HubEvent) => void): () => void;
}
