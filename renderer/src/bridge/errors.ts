// Turns what came back over either transport into the contract's HubError, so views show one kind of error.
import { ApiError, HubError, toErrorCode } from '../../../shared/api.js';

export { errorMessage } from '../../../shared/error-message.js';

export function toHubError(error: unknown, fallback: string): HubError {
  const parsed = ApiError.safeParse(error);
  if (!parsed.success) return new HubError('failed', fallback);
  return new HubError(toErrorCode(parsed.data.code), parsed.data.message);
}
