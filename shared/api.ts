// The one contract between the Hub and every face (Electron IPC, local API server, CLI, renderer).
// Each method names its argument and result schemas; each event names its payload schema. Faces validate
// arguments before they reach the Hub and results before they reach a caller, so a bug or a hostile peer on
// either side is caught at the boundary rather than deep inside.
import { z } from 'zod';
import { FormSchema } from './forms.js';
import { ForwardName, LocalPort, RemotePort } from './forwards.js';
import { kindNames } from './kinds/kind-names.js';
import { zodErrorInWords } from './zod-words.js';

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
  /** When hubtray heard of it (ISO 8601), stamped by the Hub whatever the spawner sent. */
  time: z.string().optional(),
  /** Seconds this step may take before the start fails (http_timeout, start_timeout), for a countdown. */
  timeout: z.number().positive().optional(),
});
export type ProgressEvent = z.infer<typeof ProgressEvent>;

export const SystemKind = z.enum(kindNames);
export type SystemKind = z.infer<typeof SystemKind>;

const Options = z.record(z.string(), z.unknown());

export const PresetName = z.string().trim().min(1, 'a preset needs a name').max(64, 'a preset name is at most 64 characters');

/**
 * Where a system's SSH login goes, as the user's ssh config resolves it: the target's user, host name and port, and
 * the jump hosts on the way (`user@host:port` each, first hop first).
 */
export const SystemAddress = z.object({
  user: z.string(),
  host: z.string(),
  port: z.number().int().min(1).max(65535),
  via: z.array(z.string()),
});
export type SystemAddress = z.infer<typeof SystemAddress>;

export const SystemInfo = z.object({
  name: SystemName,
  kind: SystemKind,
  description: z.string(),
  form: FormSchema,
  lastOptions: Options,
  /** Named sets of options the user saved for this system. */
  presets: z.record(z.string(), Options),
  /** The most recent start was on this system (remembered in HUBTRAY_HOME's state.json): the Start page preselects it. */
  lastUsed: z.literal(true).optional(),
  /** For a system reached over SSH, where its login goes; absent until resolved, or when the ssh config cannot be read. */
  address: SystemAddress.optional(),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

/**
 * JupyterHub's pending/ready/stopped, as a user reads them. `lost`: hubtray cannot tell whether the server still runs
 * (its host cannot be reached, or the process check and the server's own HTTP answer disagree); it keeps the
 * server's tunnel, token and run folder and checks again. The transitions are in electron/core/hub/server-lifecycle.ts.
 */
export const ServerStatus = z.enum(['starting', 'running', 'stopping', 'lost', 'stopped', 'failed', 'cancelled']);
export type ServerStatus = z.infer<typeof ServerStatus>;

export const TunnelHealth = z.object({
  state: z.enum(['none', 'connected', 'reconnecting', 'failed']),
  localPort: z.number().int().optional(),
  attempt: z.number().int().optional(),
  nextTryInSeconds: z.number().optional(),
  lastError: z.string().optional(),
});
export type TunnelHealth = z.infer<typeof TunnelHealth>;

/** One more port of a running server's host, forwarded to `url` on 127.0.0.1 through the server's SSH connection. */
/**
 * How a server's further ports are reached: `ssh`, a local port through its SSH connection; `server-proxy`, a link
 * through its jupyter-server-proxy, where no SSH leads to its host (a remote JupyterHub, an Outpost without ssh_node).
 */
export const ForwardsVia = z.enum(['ssh', 'server-proxy']);
export type ForwardsVia = z.infer<typeof ForwardsVia>;

export const ForwardInfo = z.object({
  name: ForwardName,
  remotePort: RemotePort,
  /** The local port, once opened; kept for the server's life (and across reconnects and hub restarts). */
  localPort: z.number().int().optional(),
  /** While open: http://127.0.0.1:PORT/ over SSH, or the server's /proxy/PORT/ through its jupyter-server-proxy; else null. */
  url: z.string().nullable(),
  /** How it goes, once open (see ForwardsVia). */
  via: ForwardsVia.optional(),
  /** `config`: the system's extra_forwards; `added`: asked for while the server runs (`hubtray forward`). */
  origin: z.enum(['config', 'added']),
  /** The connection's health as this forward sees it; `failed` with the cause when it could not be opened. */
  health: TunnelHealth,
});
export type ForwardInfo = z.infer<typeof ForwardInfo>;

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
  /** Why it is as it is: its first line is the cause, in a person's words; see shared/reason.ts for the rest. */
  reason: z.string().nullable(),
  tunnel: TunnelHealth,
  /** Its further forwarded ports (extra_forwards, `hubtray forward`); absent when it has none. */
  forwards: z.array(ForwardInfo).optional(),
  /** How more of its ports can be forwarded now; absent when none can (it is not running, or runs on this computer). */
  forwardsVia: ForwardsVia.optional(),
  /**
   * Whether the server's own log can be read now: something was launched and has not been cleaned up. An ended
   * server's last log lines are in its reason, after its cause (see shared/reason.ts).
   */
  logAvailable: z.boolean().optional(),
  /** For a batch job: seconds until its walltime ends, as of this snapshot. Absent when there is no time limit. */
  walltimeLeftSeconds: z.number().int().min(0).optional(),
  /** Seconds until the idle culler stops it, once it has warned; absent when no cull is due (see keepRunning). */
  cullInSeconds: z.number().int().min(0).optional(),
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

/** A caller's name for one start (e.g. a random UUID), long enough to be unique, short enough to keep many of. */
export const RequestId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,64}$/, 'a request id is 16-64 letters, digits, "_" or "-"');

/**
 * Options arrive in one of two shapes: `options` (already typed, as the JupyterHub REST API takes them) or
 * `formData` (a mapping of field to a list of strings, as an HTML form posts them, coerced by options_from_form).
 * A start sent again with the same `requestId` (a client retrying after a broken connection) gets the first one's
 * outcome instead of a second server.
 */
export const StartArgs = z
  .object({
    system: SystemName,
    name: ServerName.optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    formData: z.record(z.string(), z.array(z.string())).optional(),
    requestId: RequestId.optional(),
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

/** A running server's Jupyter kernels (its /api/kernels), for asking before a Stop interrupts work under way. */
export const KernelActivity = z.object({
  total: z.number().int().min(0),
  /** Kernels whose execution_state is `busy`: running code right now. */
  busy: z.number().int().min(0),
});
export type KernelActivity = z.infer<typeof KernelActivity>;

/** The most of a server's log one chunk carries: a follow's first look, one read of it, one "load earlier". */
export const LOG_CHUNK_BYTES = 64 * 1024;

/**
 * A piece of a server's own log, for following it (`hubtray logs --follow`, the window's log view): bytes
 * [from, to) of the log as text, secrets redacted. A chunk whose `from` is not where the last one ended replaces
 * what was shown (the start of a follow, a log that was truncated or rotated, or grew too fast to show whole).
 */
export const LogChunk = z.object({
  name: ServerName,
  from: z.number().int().min(0),
  to: z.number().int().min(0),
  /** The log's size in bytes when it was read. */
  size: z.number().int().min(0),
  text: z.string(),
  /** Said alongside, for a person: the log was truncated or rotated, part of it was skipped, it cannot be read now. */
  note: z.string().optional(),
  /** The server has ended: its log will not grow any more, and the follow stops. */
  ended: z.boolean().optional(),
});
export type LogChunk = z.infer<typeof LogChunk>;

export const methods = {
  listSystems: { args: Empty, result: z.array(SystemInfo) },
  listServers: { args: Empty, result: z.array(ServerInfo) },
  start: { args: StartArgs, result: ServerInfo },
  cancel: { args: ByName, result: ServerInfo },
  stop: { args: z.object({ name: ServerName, now: z.boolean().optional() }).strict(), result: ServerInfo },
  /** `note` says why the URL does not log the browser in by itself (e.g. it is a JupyterHub's login page). */
  open: { args: ByName, result: z.object({ url: z.string(), note: z.string().optional() }) },
  /**
   * The most recent part of the server's own log; with `events`, its progress events and status reasons in full
   * (what faces, state.json and hub.log get is cut to a few KB).
   */
  logs: { args: z.object({ name: ServerName, events: z.boolean().optional() }).strict(), result: z.object({ text: z.string() }) },
  /** The part of the server's log just before byte `before` (at most LOG_CHUNK_BYTES), for a log view's "load earlier". */
  earlierLog: { args: z.object({ name: ServerName, before: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }).strict(), result: LogChunk },
  /** Checks a running or lost server now (its process, then its HTTP answer) instead of at the next poll. */
  recheck: { args: ByName, result: ServerInfo },
  /** "Keep running" when the idle culler has warned: its clock starts again, for one more period. */
  keepRunning: { args: ByName, result: ServerInfo },
  /** How many of a running server's kernels are busy, asked of the server itself (through its tunnel, with its token). */
  kernels: { args: ByName, result: KernelActivity },
  /**
   * Forwards one more port of a running server's host to 127.0.0.1 (a free local port unless `localPort` is given),
   * through the server's SSH connection, for the server's life. Asking again for the same forward changes nothing.
   */
  forward: {
    args: z.object({ name: ServerName, remotePort: RemotePort, localPort: LocalPort.optional(), label: ForwardName.optional() }).strict(),
    result: ServerInfo,
  },
  /**
   * The TCP ports the server's own process tree listens on, on its host, besides its own (a dashboard it started,
   * its kernels), found from the tree's sockets, never by scanning: what may be offered for forwarding.
   */
  listeningPorts: { args: ByName, result: z.object({ ports: z.array(RemotePort) }) },
  /** Closes a forward of the server's, named by its remote port or its label. */
  unforward: { args: z.object({ name: ServerName, forward: z.union([RemotePort, ForwardName]) }).strict(), result: ServerInfo },
  /**
   * Drops a server from the list and the state file: one that has ended, or a lost one the user gives up on (its
   * process, if it still runs somewhere, is left alone).
   */
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
  /** The concrete Host aliases of the user's ssh config, for "Add an SSH host" to offer; read anew each call. */
  sshHostAliases: { args: Empty, result: z.array(z.string()) },
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
  notice: z.object({
    level: z.enum(['info', 'warning', 'error']),
    message: z.string(),
    /** The server it is about, if any: a desktop notice about it opens its page. */
    server: ServerName.optional(),
    /**
     * What it is about, where faces treat it apart: `walltime`, the system is about to end the server; `cull`, the
     * idle culler is about to stop it (the faces offer "Keep running" and "Stop now").
     */
    topic: z.enum(['walltime', 'cull']).optional(),
  }),
  /** A piece of a followed server's log: sent only to those who follow it (LogFollowing), never to every face. */
  log: LogChunk,
} as const;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;
export type HubEvent = { [E in EventName]: { event: E; data: EventPayload<E> } }[EventName];

/** What the Hub implements, and what every client exposes. */
export type HubApi = { [M in MethodName]: (args: MethodArgs<M>) => Promise<MethodResult<M>> };

/**
 * What kind of failure an error is, for every face alike: the CLI's exit, the window's words, the local API's HTTP
 * status (shared/http.ts). `unavailable` is something outside hubtray that is not there right now (a locked
 * keychain, a hub that does not answer); `failed` is a start or a peer that failed; the rest are the caller's.
 */
export const ErrorCode = z.enum(['bad-request', 'unauthorized', 'not-found', 'conflict', 'failed', 'unavailable']);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** A code from the wire; one this side does not know yet (a newer hub) reads as `failed`. */
export function toErrorCode(code: string): ErrorCode {
  const parsed = ErrorCode.safeParse(code);
  return parsed.success ? parsed.data : 'failed';
}

/** Errors cross the boundary as a code and a message a person can act on; never a stack. */
export const ApiError = z.object({ code: z.string(), message: z.string() });
export type ApiError = z.infer<typeof ApiError>;

export class HubError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HubError';
  }
}

/**
 * An error of hubtray's own domain (the SSH layer, a spawn, an Outpost, a JupyterHub, the keychain, config.json, a
 * hook): its message is written for a person, and `errorCode` is how it reaches every face. Anything else that
 * escapes to a face is a bug, shown there as an internal error.
 */
export class CodedError extends Error {
  constructor(
    readonly errorCode: ErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
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

/** A schema failure in words, each issue after its setting's path: "systems.gpu.port: must be between 1 and 65535". */
export function describeZodError(error: z.ZodError): string {
  return zodErrorInWords(error);
}

/**
 * How faces follow a server's log: the Hub reads it while anyone follows, one reader per server shared by all of
 * them. The listener gets the log's newest part first, then each piece as the log grows. Throws HubError
 * `not-found` for a server the Hub does not know. The returned function stops following.
 */
export interface LogFollowing {
  followLog(name: string, listener: (chunk: LogChunk) => void): () => void;
}

/** How faces hear the Hub's events. The returned function unsubscribes. */
export interface HubEventSource {
  subscribe(listener: (event: HubEvent) => void): () => void;
}
