// One error type for the whole SSH layer, so that callers (the Hub, the tunnel supervisor, the faces) can decide
// by `code` whether to retry, ask the user, or give up, and can show `message` as it is.
import { CodedError, type ErrorCode } from '../../../shared/api.js';

export type SshErrorCode = 'unreachable' | 'auth' | 'host-key-changed' | 'timeout' | 'config' | 'channel' | 'cancelled';

// How each reaches the faces. A refused login is `failed`, never `unauthorized`: that one means the local API's token.
const errorCodes: Record<SshErrorCode, ErrorCode> = {
  unreachable: 'unavailable',
  timeout: 'unavailable',
  auth: 'failed',
  'host-key-changed': 'failed',
  config: 'bad-request',
  channel: 'failed',
  cancelled: 'failed',
};

export class SshError extends CodedError {
  readonly code: SshErrorCode;

  constructor(code: SshErrorCode, message: string, options?: { cause?: unknown }) {
    super(errorCodes[code], message, options);
    this.name = 'SshError';
    this.code = code;
  }

  /** Retrying cannot help until the user changes something (keys, known_hosts, config). */
  get needsUser(): boolean {
    return this.code === 'auth' || this.code === 'host-key-changed' || this.code === 'config';
  }
}

const socketErrors: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is sshd running on that port?)',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  ENOTFOUND: 'unknown host name',
  EAI_AGAIN: 'host name lookup failed (DNS unreachable?)',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset by peer',
  EPIPE: 'connection closed by peer',
};

/** Maps a socket-level error (net.Socket or an ssh2 error with a Node errno code) to an SshError naming host:port. */
export function unreachableError(where: string, err: unknown): SshError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why = (code && socketErrors[code]) ?? (err instanceof Error ? err.message : String(err));
  return new SshError('unreachable', `cannot reach ${where}: ${why}`, { cause: err });
}

export { errorMessage } from '../../../shared/error-message.js';
