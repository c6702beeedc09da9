// What went wrong talking to an Outpost, worded as OutpostSpawner words it where it has words (the 419 rendering,
// "ACTION request to URL failed: CODE"), and otherwise saying what to do. `status` is the Outpost's HTTP status, null
// when it never answered; poll() tells a 404 ("gone") from everything else by it.
import { CodedError } from '../../../../shared/api.js';
import { boundedText } from '../../../../shared/text.js';

export type OutpostAction = 'start' | 'poll' | 'stop' | 'flavors';

export class OutpostError extends CodedError {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    // An Outpost that never answered is not there right now; one that answered refused or failed. Its words are
    // not bounded (a 419's args quote whatever failed), and this message reaches the state, hub.log and every face.
    super(status === null ? 'unavailable' : 'failed', boundedText(message));
    this.name = 'OutpostError';
  }
}

/**
 * The Outpost turns any exception in a route into 419 {"module","class","traceback","args","kwargs"}; OutpostSpawner
 * shows it as f"{module}{class}: {' - '.join(args)}", with "Unknown error" for missing args.
 */
export function render419(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const { module, class: cls, args } = body as { module?: unknown; class?: unknown; args?: unknown };
  if (module === undefined && cls === undefined) return null;
  const parts = Array.isArray(args) && args.length > 0 ? args.map(String) : ['Unknown error'];
  return `${String(module ?? '')}${String(cls ?? '')}: ${parts.join(' - ')}`;
}

/** FastAPI's {"detail": ...}: a string, or pydantic's list of {loc, msg} for a 422. */
export function renderDetail(body: unknown): string | null {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (typeof detail === 'string') return detail;
  if (!Array.isArray(detail)) return null;
  return detail
    .map((item: { loc?: unknown; msg?: unknown }) => `${Array.isArray(item.loc) ? item.loc.join('.') : ''}: ${String(item.msg ?? '')}`)
    .join('; ');
}

/** The Outpost's refusal of `action`, in words. */
export function describeStatus(action: OutpostAction, url: string, status: number, body: unknown, text: string): string {
  const rendered = status === 419 ? render419(body) : null;
  if (rendered) return rendered;
  const detail = renderDetail(body) ?? oneLine(text);
  const said = detail ? `: ${detail}` : '';
  if (status === 401) return `the Outpost refused the credentials (401${said}) for the ${action} request to ${url}`;
  if (status === 422) return `the Outpost rejected the ${action} request as invalid (422${said})`;
  return `${action} request to ${url} failed: ${status}${said}`;
}

/** A proxy's HTML error page or a stack trace: one readable line of it is enough. */
function oneLine(text: string): string {
  return boundedText(text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim(), 300);
}
