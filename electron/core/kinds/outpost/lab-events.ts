// Progress events the Outpost posts to JUPYTERHUB_EVENTS_URL, as hubtray's progress bar shows them. The Outpost's
// own scale (0-100 for its part of the start) is fitted into the part of hubtray's bar that the Outpost fills; the
// Hub's own steps (tunnel, waiting for HTTP, ready) follow. html_message is passed on as it came, bounded: every face
// sanitizes it before showing it.
import type { ProgressEvent } from '../../../../shared/api.js';
import { boundedText } from '../../../../shared/text.js';

export const PROGRESS_FROM = 10;
export const PROGRESS_TO = 55;

/** hubtray's event for an Outpost event; `ready` is never taken from the remote side (the Hub decides that). */
export function progressEvent(raw: Record<string, unknown>): ProgressEvent {
  const outpostProgress = typeof raw.progress === 'number' && Number.isFinite(raw.progress) ? Math.min(100, Math.max(0, raw.progress)) : 0;
  const html = typeof raw.html_message === 'string' ? boundedText(raw.html_message) : undefined;
  const message = typeof raw.message === 'string' && raw.message !== '' ? boundedText(raw.message) : html ? textOf(html) : '';
  return {
    progress: PROGRESS_FROM + ((PROGRESS_TO - PROGRESS_FROM) * outpostProgress) / 100,
    message,
    ...(html !== undefined ? { html_message: html } : {}),
    ...(raw.failed === true ? { failed: true } : {}),
  };
}

/** The words of an HTML message, for the plain-text message and for error reasons. */
export function textOf(html: string): string {
  const words = html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  return boundedText(words, 500);
}
