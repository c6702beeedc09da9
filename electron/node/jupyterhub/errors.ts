// What went wrong talking to a JupyterHub, in words a person can act on. `status` is the hub's HTTP status (null when
// the hub could not be reached at all), so callers can tell "refused" from "unreachable".
export class HubApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'HubApiError';
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
