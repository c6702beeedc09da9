// hub.log: what the Hub did, for the user's own diagnosis. It is written from events, which carry no secrets (the
// token only ever travels in `open`'s result), and the tests search it for every secret they used.
import { appendFile } from 'node:fs/promises';
import type { HubEvent } from '../../../shared/api.js';

export interface HubLog {
  /** To subscribe to the Hub's events. */
  listener: (event: HubEvent) => void;
  /** Resolves once every line logged so far is on disk (or could not be written). */
  flushed: () => Promise<void>;
}

export function logHubEvents(file: string): HubLog {
  const lastStatus = new Map<string, string>();
  let chain = Promise.resolve();
  const write = (text: string) => {
    const line = `${new Date().toISOString()} ${text}\n`;
    // Serialised, so lines keep their order; a failing disk must not take the Hub down with it.
    chain = chain.then(() => appendFile(file, line, { mode: 0o600 })).catch(() => undefined);
  };
  const listener = (event: HubEvent): void => {
    switch (event.event) {
      case 'server': {
        const { name, status, reason } = event.data;
        if (lastStatus.get(name) === status) return;
        lastStatus.set(name, status);
        write(`server ${name}: ${status}${reason ? ` (${reason.split('\n')[0]})` : ''}`);
        return;
      }
      case 'forgotten':
        lastStatus.delete(event.data.name);
        write(`server ${event.data.name}: forgotten`);
        return;
      case 'progress':
        write(`server ${event.data.name}: ${event.data.event.progress}% ${event.data.event.message}`);
        return;
      case 'prompt':
        write(`prompt: ${event.data.title}`);
        return;
      case 'notice':
        write(`${event.data.level}: ${event.data.message}`);
        return;
      case 'promptClosed':
        return;
    }
  };
  return { listener, flushed: () => chain };
}
