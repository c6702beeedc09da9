// A launch's progress from the hub's event stream (GET .../progress, text/event-stream), parsed by a spec-compliant
// SSE parser. The hub replays a launch's events from the start to every reader, so a stream that is cut while the
// launch runs is simply reopened, and the events already seen are skipped. The stream is bounded, a line and a start's
// whole stream: JupyterHub's events are a few hundred bytes, and a hub that sends megabytes, or a line that never
// ends, must not make hubtray buffer them; past a bound, the launch is followed through the server's model instead.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { z } from 'zod';
import { boundedText } from '../../../../shared/text.js';
import type { HubRest } from './rest.js';
import { sleep } from '../../net/retry.js';

// A stream that keeps ending with nothing new while the launch runs is reopened at this pace, not in a busy loop.
const REOPEN_PAUSE_MS = 1000;
const MAX_LINE_BYTES = 64 * 1024;
/** Over a whole start, every reopened stream included. */
const MAX_STREAM_BYTES = 4 * 1024 * 1024;

// Under the Hub's own bound for any message, so that the Hub need not cut it again.
const MESSAGE_CHARS = 2000;
const hubText = z.string().transform((text) => boundedText(text, MESSAGE_CHARS));

/** JupyterHub's progress event; `url` comes with the ready one. */
export const HubProgressEvent = z.object({
  progress: z.number().min(0).max(100).catch(0),
  message: hubText.default(''),
  html_message: hubText.optional(),
  ready: z.boolean().optional(),
  failed: z.boolean().optional(),
  url: z.string().optional(),
});
export type HubProgressEvent = z.infer<typeof HubProgressEvent>;

class StreamTooLarge extends Error {}

/**
 * Yields the launch's events in order until one says ready or failed. When a reopened stream ends without anything
 * new, or the stream passed its bounds, `settle` looks at the server itself: it returns the outcome, or null while
 * the launch still runs.
 */
export async function* followProgress(
  rest: HubRest,
  progressPath: string,
  what: string,
  settle: () => Promise<HubProgressEvent | null>,
): AsyncGenerator<HubProgressEvent> {
  const seen = new Set<string>();
  const budget = { bytes: MAX_STREAM_BYTES };
  let reading = true;
  let progress = 0;
  for (;;) {
    let fresh = 0;
    if (reading) {
      const body = await rest.stream(progressPath, `follow the progress of ${what}`);
      try {
        for await (const event of sseEvents(body, budget)) {
          const key = `${event.progress}\u0000${event.message}\u0000${event.ready ?? ''}${event.failed ?? ''}`;
          if (seen.has(key)) continue;
          seen.add(key);
          fresh++;
          progress = event.progress;
          yield event;
          if (event.ready || event.failed) return;
        }
      } catch (error) {
        // Otherwise cut mid-stream (the hub restarted, a proxy or tunnel dropped): reopened below, with the usual retries.
        if (error instanceof StreamTooLarge) {
          reading = false;
          yield { progress, message: `${error.message}; hubtray stopped reading it and follows the server's state on the hub instead` };
        }
      }
    }
    if (fresh > 0 && reading) continue;
    const outcome = await settle();
    if (outcome) {
      yield outcome;
      return;
    }
    await sleep(REOPEN_PAUSE_MS);
  }
}

/** The stream's events; `budget` is what the start's streams may still send. Past a bound the body is let go. */
async function* sseEvents(body: AsyncIterable<Buffer>, budget: { bytes: number }): AsyncGenerator<HubProgressEvent> {
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => pending.push(message) });
  const decoder = new TextDecoder();
  // The bytes of the line the parser holds so far, not yet ended.
  let line = 0;
  for await (const chunk of body) {
    budget.bytes -= chunk.length;
    if (budget.bytes < 0) throw new StreamTooLarge(`the hub's progress stream for this start passed ${MAX_STREAM_BYTES} bytes`);
    const end = Math.max(chunk.lastIndexOf(0x0a), chunk.lastIndexOf(0x0d));
    line = end < 0 ? line + chunk.length : chunk.length - end - 1;
    if (line > MAX_LINE_BYTES) throw new StreamTooLarge(`the hub sent a progress line longer than ${MAX_LINE_BYTES} bytes`);
    parser.feed(decoder.decode(chunk, { stream: true }));
    while (pending.length > 0) {
      const parsed = parseData((pending.shift() as EventSourceMessage).data);
      if (parsed) yield parsed;
    }
  }
}

/** One event's data; a line that is not a progress event is skipped rather than trusted. */
function parseData(data: string): HubProgressEvent | null {
  try {
    const parsed = HubProgressEvent.safeParse(JSON.parse(data));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
