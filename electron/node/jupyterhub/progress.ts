// A launch's progress from the hub's event stream (GET .../progress, text/event-stream), parsed by a spec-compliant
// SSE parser. The hub replays a launch's events from the start to every reader, so a stream that is cut while the
// launch runs is simply reopened, and the events already seen are skipped.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { z } from 'zod';
import type { HubRest } from './rest.js';
import { sleep } from './retry.js';

// A stream that keeps ending with nothing new while the launch runs is reopened at this pace, not in a busy loop.
const REOPEN_PAUSE_MS = 1000;

/** JupyterHub's progress event; `url` comes with the ready one. */
export const HubProgressEvent = z.object({
  progress: z.number().min(0).max(100).catch(0),
  message: z.string().default(''),
  html_message: z.string().optional(),
  ready: z.boolean().optional(),
  failed: z.boolean().optional(),
  url: z.string().optional(),
});
export type HubProgressEvent = z.infer<typeof HubProgressEvent>;

/**
 * Yields the launch's events in order until one says ready or failed. When a reopened stream ends without anything
 * new, `settle` looks at the server itself: it returns the outcome, or null while the launch still runs.
 */
export async function* followProgress(
  rest: HubRest,
  progressPath: string,
  what: string,
  settle: () => Promise<HubProgressEvent | null>,
): AsyncGenerator<HubProgressEvent> {
  const seen = new Set<string>();
  for (;;) {
    const body = await rest.stream(progressPath, `follow the progress of ${what}`);
    let fresh = 0;
    try {
      for await (const event of sseEvents(body)) {
        const key = `${event.progress}\u0000${event.message}\u0000${event.ready ?? ''}${event.failed ?? ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        fresh++;
        yield event;
        if (event.ready || event.failed) return;
      }
    } catch {
      // Cut mid-stream (the hub restarted, a proxy or tunnel dropped): reopened below, with the usual retries.
    }
    if (fresh > 0) continue;
    const outcome = await settle();
    if (outcome) {
      yield outcome;
      return;
    }
    await sleep(REOPEN_PAUSE_MS);
  }
}

async function* sseEvents(body: AsyncIterable<Buffer>): AsyncGenerator<HubProgressEvent> {
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => pending.push(message) });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
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
