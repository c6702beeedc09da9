// Turns what came back over either transport into the contract's HubError, so views show one kind of error.
import { ApiError, HubError } from '../../../shared/api.js';

const codes: ReadonlySet<string> = new Set<HubError['code']>(['bad-request', 'not-found', 'conflict', 'failed', 'unauthorized', 'unavailable']);

export function toHubError(error: unknown, fallback: string): HubError {
  const parsed = ApiError.safeParse(error);
  if (!parsed.success) return new HubError('failed', fallback);
  const { code, message } = parsed.data;
  return new HubError(codes.has(code) ? (code as HubError['code']) : 'failed', message);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
