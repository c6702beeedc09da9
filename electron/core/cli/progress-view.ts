// A start's progress on stderr (stdout is kept for the URL, so that `url=$(hubtray start ...)` works): a bar
// redrawn in place on a terminal, one line per event otherwise (logs, CI, pipes).
import type { ProgressEvent } from '../../../shared/api.js';
import { printable } from './format.js';

export interface ProgressView {
  update(event: ProgressEvent): void;
  /** Leaves the line free for something else, e.g. a question; the next update draws the bar again. */
  clear(): void;
  /** Ends the bar's line for good. */
  end(): void;
}

const barWidth = 24;

/** An event's message, with the time its step may take when it has a limit ("… (up to 30 s)"). */
function said(event: ProgressEvent): string {
  return event.timeout ? `${event.message} (up to ${event.timeout} s)` : event.message;
}

export function progressView(stream: NodeJS.WriteStream): ProgressView {
  return stream.isTTY ? barView(stream) : lineView(stream);
}

function lineView(stream: NodeJS.WriteStream): ProgressView {
  return {
    update: (event) => stream.write(`[${String(Math.round(event.progress)).padStart(3)}%] ${printable(said(event))}\n`),
    clear: () => undefined,
    end: () => undefined,
  };
}

function barView(stream: NodeJS.WriteStream): ProgressView {
  let drawn = false;
  const clear = () => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  return {
    update(event) {
      const filled = Math.round((event.progress / 100) * barWidth);
      const bar = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${String(Math.round(event.progress)).padStart(3)}% `;
      const room = Math.max(0, (stream.columns || 80) - bar.length - 1);
      const message = printable(said(event).replace(/\s+/g, ' '));
      clear();
      stream.write(bar + (message.length > room ? `${message.slice(0, Math.max(0, room - 1))}…` : message));
      drawn = true;
    },
    clear,
    end() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
