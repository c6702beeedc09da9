// What a log view shows of a followed log: pieces of it by byte offset, the newest last. A piece that carries on
// from the last one is added; one that does not (a new follow, a truncated log, a part skipped) replaces the view.
// "Load earlier" adds a piece at the front. The view is bounded: past MAX_VIEW_BYTES, its oldest pieces go, and
// "load earlier" brings them back.
import type { LogChunk } from '../../../shared/api.js';

export const MAX_VIEW_BYTES = 2 * 1024 * 1024;

interface Piece {
  from: number;
  to: number;
  text: string;
}

export interface LogView {
  pieces: Piece[];
  /** What hubtray said last about the log (truncated, skipped, ended). */
  note: string | null;
  ended: boolean;
}

export const emptyLogView: LogView = { pieces: [], note: null, ended: false };

export function withChunk(view: LogView, chunk: LogChunk): LogView {
  const piece = { from: chunk.from, to: chunk.to, text: chunk.text };
  const carriesOn = view.pieces.at(-1)?.to === chunk.from;
  const pieces = carriesOn ? [...view.pieces, piece] : [piece];
  return { pieces: bounded(pieces), note: chunk.note ?? view.note, ended: view.ended || chunk.ended === true };
}

/** Adds the part before the view, if it ends where the view begins (else the view changed meanwhile, and it is dropped). */
export function withEarlier(view: LogView, chunk: LogChunk): LogView {
  if (view.pieces[0]?.from !== chunk.to) return view;
  return { ...view, pieces: [{ from: chunk.from, to: chunk.to, text: chunk.text }, ...view.pieces] };
}

/** The byte the view begins at: above it, "load earlier" has more. */
export function viewStart(view: LogView): number {
  return view.pieces[0]?.from ?? 0;
}

export function viewText(view: LogView): string {
  return view.pieces.map((piece) => piece.text).join('');
}

function bounded(pieces: Piece[]): Piece[] {
  const last = pieces.at(-1);
  let first = 0;
  while (last && first < pieces.length - 1 && last.to - (pieces[first] as Piece).from > MAX_VIEW_BYTES) first++;
  return first === 0 ? pieces : pieces.slice(first);
}
