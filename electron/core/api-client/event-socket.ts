// The event half of the client: a WebSocket to /api/events, whose frames are validated against the contract.
import { WebSocket } from 'ws';
import { HubError, parseEvent, type ErrorCode, type HubEvent } from '../../../shared/api.js';
import { apiPaths, errorCodeOfClose } from '../../../shared/http.js';

export interface SubscribeOptions {
  /**
   * Called when the hub ends the stream (it shut down, or the connection broke), not when the subscriber does.
   * `refused`: the hub closed it for that reason (a log of a server it does not know), see closeCodeOf.
   */
  onClose?: (reason: string, refused: ErrorCode | null) => void;
}

export interface EventSocket {
  unsubscribe(): Promise<void>;
}

/**
 * Resolves once the hub has accepted the subscription, so that no event after that moment can be missed. `path`: the
 * Hub's events, or one server's log (apiPaths.followLog).
 */
export function openEventSocket(
  url: string,
  token: string,
  listener: (event: HubEvent) => void,
  options: SubscribeOptions = {},
  path: string = apiPaths.events,
): Promise<EventSocket> {
  const ws = new WebSocket(new URL(path, url).href.replace(/^http/, 'ws'), {
    headers: { authorization: `Bearer ${token}` },
    maxPayload: 64 * 1024 * 1024,
  });
  let ending = false;

  ws.on('message', (data) => {
    let event: HubEvent;
    try {
      event = parseEvent(JSON.parse(data.toString()));
    } catch {
      // A newer hub may send events this client does not know; they are not for it.
      return;
    }
    listener(event);
  });

  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (request, response) => {
      request.destroy();
      reject(new HubError(response.statusCode === 401 ? 'unauthorized' : 'unavailable', `hubtray at ${url} refused the event stream (HTTP ${response.statusCode})`));
    });
    ws.once('error', (error) => reject(new HubError('unavailable', `hubtray at ${url} does not answer: ${error.message}`)));
    ws.once('open', () => {
      ws.on('close', (code, reason) => {
        if (!ending) options.onClose?.(reason.toString() || `the connection closed (code ${code})`, errorCodeOfClose(code));
      });
      resolve({
        unsubscribe: () => {
          ending = true;
          if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
          return new Promise<void>((done) => {
            ws.once('close', () => done());
            ws.close(1000);
          });
        },
      });
    });
  });
}
