// What went wrong talking to a JupyterHub, in words a person can act on. `status` is the hub's HTTP status (null when
// the hub could not be reached at all), so callers can tell "refused" from "unreachable".
import { CodedError } from '../../../../shared/api.js';

export class HubApiError extends CodedError {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    // A hub that never answered is not there right now; one that answered refused or failed.
    super(status === null ? 'unavailable' : 'failed', message);
    this.name = 'HubApiError';
  }
}

/** The hub answered, but not as JupyterHub does: JSON that does not parse, a model of another shape, a URL off the hub. */
export class HubAnswerError extends CodedError {
  constructor(message: string) {
    super('failed', message);
    this.name = 'HubAnswerError';
  }
}

/** What a status means for the user, with the hub's own message when it sent one. */
export function describeRefusal(status: number, hubMessage: string, what: string): string {
  const said = hubMessage ? `: ${hubMessage}` : '';
  if (status === 401 || status === 403) {
    return `the hub refused the API token (${status}${said}) while trying to ${what}; the token is wrong, expired or lacks the scopes for it`;
  }
  return `the hub answered ${status} to ${what}${said}`;
}

// Node's names for a certificate it does not trust (expired, self-signed, for another name, from an unknown CA).
const CERTIFICATE_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

/** Whether a connection failed on the hub's TLS certificate: that is not worth another try. */
export function isCertificateError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CERTIFICATE_CODES.test(code);
}

/** A failed connection in words; a refused certificate says what to do about it. */
export function describeConnectionError(error: Error): string {
  if (!isCertificateError(error)) return error.message;
  return (
    `its TLS certificate is not trusted (${error.code}: ${error.message}); if the hub's certificate comes from your ` +
    `organisation's own CA, start hubtray with NODE_EXTRA_CA_CERTS=/path/to/that-ca.pem`
  );
}
