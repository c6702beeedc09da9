// The local API's wire, in one place: every path the API server serves and its clients call (the CLI's client, the
// renderer's HTTP bridge), the error reply, and the HTTP status each ErrorCode travels as. Plain HTTP clients (curl,
// a browser's fetch) can act on the status alone; typed clients read the code.
import { z } from 'zod';
import { ApiError, RequestId, type ErrorCode, type MethodName } from './api.js';

export const apiPaths = {
  /** Unauthenticated on purpose: a CLI that finds hub.json checks with it that a hub really answers there. */
  ping: '/api/ping',
  /** The WebSocket of the Hub's events. */
  events: '/api/events',
  /** The WebSocket of one server's log as it grows (`log` events), open as long as one follows it. */
  followLog: (name: string) => `${apiPaths.events}?${followParam}=${encodeURIComponent(name)}`,
  callPrefix: '/api/call/',
  call: (method: MethodName) => `${apiPaths.callPrefix}${method}`,
  /** POST: a single-use link that opens a server in a browser. */
  launchPrefix: '/api/launch/',
  launch: (name: string) => `${apiPaths.launchPrefix}${encodeURIComponent(name)}`,
  /** GET, by a browser: where a single-use link is redeemed. */
  redeemPrefix: '/launch/',
  redeem: (id: string) => `${apiPaths.redeemPrefix}${id}`,
  /** Everything under it is the API; every other path serves the UI. */
  apiPrefix: '/api/',
} as const;

/** The query parameter of apiPaths.followLog. */
export const followParam = 'follow';

/**
 * How a WebSocket that was refused after it opened (a log of a server the hub does not know) says why: its close
 * code is 4000 plus the HTTP status of the error's code, its reason the error's message.
 */
export function closeCodeOf(code: ErrorCode): number {
  return 4000 + httpStatusByCode[code];
}

export function errorCodeOfClose(closeCode: number): ErrorCode | null {
  const found = Object.entries(httpStatusByCode).find(([, status]) => 4000 + status === closeCode);
  return found ? (found[0] as ErrorCode) : null;
}

/** The body of every reply that is not 200. */
export const ErrorReply = z.object({ error: ApiError });
export type ErrorReply = z.infer<typeof ErrorReply>;

export const httpStatusByCode: Record<ErrorCode, number> = {
  'bad-request': 400,
  unauthorized: 401,
  'not-found': 404,
  conflict: 409,
  failed: 500,
  unavailable: 503,
};

/**
 * How long an idle kept-alive connection stays open. A server closes an idle connection when its timer fires, and
 * on a loaded machine that timer can fire after a client's request has arrived but before the server has read it:
 * the client sees "other side closed" (or a reset) for a call the server never saw. A client that lets go of idle
 * connections well before the server does almost never sends on one the server is closing.
 */
export const keepAliveMs = { server: 10_000, client: 1_000 } as const;

/**
 * Which calls a client may send again when the connection broke before the reply came, not knowing whether the
 * hub did them: those whose repeat does nothing more and answers alike. `start` only with a `requestId`, which
 * the Hub deduplicates. Not `cancel`, `forget`, `unforward`, `removeSystem`, `deletePreset`, `answerPrompt` (a repeat of one
 * that worked answers that the thing is gone), `deleteSecret` (it answers `deleted: false`), nor `saveSystem` (a
 * repeated rename finds no `previous`). Every method is here, so that a new one gets decided on when it is added.
 */
const repeatable: Record<MethodName, boolean | 'with-request-id'> = {
  listSystems: true,
  listServers: true,
  start: 'with-request-id',
  cancel: false,
  stop: true,
  open: true,
  logs: true,
  earlierLog: true,
  recheck: true,
  keepRunning: true,
  kernels: true,
  forward: true,
  listeningPorts: true,
  unforward: false,
  forget: false,
  pendingPrompts: true,
  answerPrompt: false,
  setSecret: true,
  deleteSecret: false,
  getSystemSettings: true,
  saveSystem: false,
  removeSystem: false,
  reloadConfig: true,
  testConnection: true,
  sshHostAliases: true,
  savePreset: true,
  deletePreset: false,
};

const WithRequestId = z.object({ requestId: RequestId });

export function mayRepeat(method: MethodName, args: unknown): boolean {
  const rule = repeatable[method];
  return rule === 'with-request-id' ? WithRequestId.safeParse(args).success : rule;
}
