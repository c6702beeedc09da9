// The bridge in Electron: the preload's `window.hubtray`, which forwards over IPC to the main process. The main
// process validates every argument; the results and events are validated again here, as from any other face.
import { parseEvent, parseResult } from '../../../shared/api.js';
import type { IpcReply, PreloadApi } from '../../../shared/ipc.js';
import type { Bridge } from './bridge.js';
import { errorMessage, toHubError } from './errors.js';

function unwrap(reply: IpcReply): unknown {
  if (reply.ok) return reply.value;
  throw toHubError(reply.error, 'hubtray failed');
}

export function electronBridge(api: PreloadApi): Bridge {
  return {
    async call(method, args) {
      return parseResult(method, unwrap(await api.call(method, args ?? {})));
    },
    subscribe(listener, status) {
      const unsubscribe = api.onEvent((event) => {
        try {
          listener(parseEvent(event));
        } catch (error) {
          console.warn(`hubtray: ignored an event: ${errorMessage(error)}`);
        }
      });
      // The main process is always there: subscribed is connected.
      status('connected');
      return unsubscribe;
    },
    followLog(name, listener, failed) {
      return api.followLog(
        name,
        (event) => {
          try {
            const parsed = parseEvent(event);
            if (parsed.event === 'log') listener(parsed.data);
          } catch (error) {
            console.warn(`hubtray: ignored a piece of a log: ${errorMessage(error)}`);
          }
        },
        failed,
      );
    },
    async openServer(name) {
      const value = unwrap(await api.openServer(name)) as { note?: unknown } | null;
      return typeof value?.note === 'string' ? { note: value.note } : {};
    },
  };
}
