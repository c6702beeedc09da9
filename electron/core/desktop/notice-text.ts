// A desktop notification has a few lines of room (GNOME shows about three, macOS and Windows about as many) and
// cuts the rest wherever it falls, mid-word. So a long text (a failure's reason, a tunnel's error) is folded here
// first: its cause (a reason's first line, shared/reason.ts), then what to do about it, each cut at a word boundary,
// with a pointer to the server's page, where the window shows the whole text and where a click on the notice leads.
import { reasonParts } from '../../../shared/reason.js';

/** The most of a cause a notice shows; the advice gets the rest of NOTICE_BODY_CHARS. */
export const CAUSE_CHARS = 140;
/** The most a notice's body holds, the pointer to the server's page included. */
export const NOTICE_BODY_CHARS = 240;
const onItsPage = "The full text is on the server's page.";

/**
 * `text` on one line and at most `max` characters, cut after the last whole word that fits, with "…". A single
 * word longer than `max` (a long path or URL) is the one thing cut inside: the bound matters more.
 */
export function foldText(text: string, max: number): { text: string; cut: boolean } {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return { text: flat, cut: false };
  const room = flat.slice(0, max - 1);
  const lastSpace = room.lastIndexOf(' ');
  return { text: `${(lastSpace > 0 ? room.slice(0, lastSpace) : room).replace(/[\s,;:.]+$/, '')}…`, cut: true };
}

/** A notice's body for a server's reason or message: the cause, then advice as room allows, never cut mid-word. */
export function noticeBody(text: string): string {
  const { cause, advice, raw } = reasonParts(text);
  const first = foldText(cause, CAUSE_CHARS);
  const room = NOTICE_BODY_CHARS - first.text.length - onItsPage.length - 2;
  const rest = advice.length > 0 && room > 20 ? foldText(advice.join(' '), room) : { text: '', cut: advice.length > 0 };
  const shortened = first.cut || rest.cut || raw !== '';
  return [first.text, rest.text, shortened ? onItsPage : ''].filter((part) => part !== '').join('\n');
}
