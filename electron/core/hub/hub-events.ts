// The Hub's event feed: what every face subscribes to (server changes, progress, prompts, notices), in the order
// the Hub emits them.
import { EventEmitter } from 'node:events';
import { type EventPayload, type HubEvent, type HubEventSource } from '../../../shared/api.js';
import { errorMessage } from '../../../shared/error-message.js';
import { boundedText } from '../../../shared/text.js';

export type NoticeAbout = Pick<EventPayload<'notice'>, 'server' | 'topic'>;

export class HubEvents implements HubEventSource {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every face and every CLI follower is a listener; there is no meaningful bound.
    this.emitter.setMaxListeners(0);
  }

  emit(event: HubEvent): void {
    this.emitter.emit('event', event);
  }

  /** `about`: the server it is about, and what about it, for faces that treat it apart (a desktop notice). */
  notice(level: 'info' | 'warning' | 'error', message: string, about?: NoticeAbout): void {
    this.emit({ event: 'notice', data: { level, message, ...about } });
  }

  /**
   * Owns a task that runs in the background (a poll, a start, a discovery round): its failure is caught and told as a
   * notice (and so in hub.log), never left unhandled, so that one server's trouble cannot take the Hub down.
   */
  background(what: string, task: Promise<unknown>): void {
    task.catch((error: unknown) => this.notice('error', boundedText(`${what} failed: ${errorMessage(error)}`)));
  }

  subscribe(listener: (event: HubEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  close(): void {
    this.emitter.removeAllListeners();
  }
}
