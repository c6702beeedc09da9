// The main process's side of the IPC: a handler per contract method, each of which first checks that the message
// comes from hubtray's own window showing hubtray's own page (not a frame, not a page it was tricked into
// loading), then validates the arguments and the result through the same `invoke` as the local API.
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { ServerName, type HubApi, type HubEventSource, type LogFollowing } from '../../shared/api.js';
import {
  eventChannel,
  followLogChannel,
  logChannel,
  methodChannel,
  methodNames,
  openServerChannel,
  subscribeChannel,
  unfollowLogChannel,
  type IpcReply,
} from '../../shared/ipc.js';
import { followHub } from '../core/boundary/follow-hub.js';
import { HttpError, toHttpError } from '../core/boundary/http-error.js';
import { invoke } from '../core/boundary/invoke.js';
import { isUiUrl } from './ui-protocol.js';

export interface IpcOptions {
  hub: HubApi & HubEventSource & LogFollowing;
  /** The web contents of hubtray's window: the only sender that is answered. */
  window: () => WebContents | null;
  /** Opens a server of the Hub's in the system browser; the note says when the page it opens is a login page. */
  openServer: (name: string) => Promise<{ note?: string }>;
}

export function registerIpc(options: IpcOptions): void {
  const following = new Map<WebContents, () => void>();

  const handle = (channel: string, work: (event: IpcMainInvokeEvent, arg: unknown) => Promise<unknown>) => {
    ipcMain.handle(channel, async (event, arg: unknown): Promise<IpcReply> => {
      try {
        if (!fromOurWindow(event, options.window())) throw new HttpError(403, 'unauthorized', 'only hubtray’s own window may call hubtray');
        return { ok: true, value: await work(event, arg) };
      } catch (error) {
        const { code, message } = toHttpError(error, `IPC ${channel}`);
        return { ok: false, error: { code, message } };
      }
    });
  };

  for (const method of methodNames) handle(methodChannel(method), (_event, args) => invoke(options.hub, method, args));

  handle(openServerChannel, async (_event, name) => {
    const parsed = ServerName.safeParse(name);
    if (!parsed.success) throw new HttpError(400, 'bad-request', 'openServer: not a server name');
    return options.openServer(parsed.data);
  });

  // Each log this window follows, by server; all of them end with the window (or a reload of its page).
  const logs = new Map<WebContents, Map<string, () => void>>();
  const followsOf = (contents: WebContents) => {
    let follows = logs.get(contents);
    if (!follows) {
      const created = new Map<string, () => void>();
      logs.set(contents, created);
      const leaveAll = () => {
        for (const leave of created.values()) leave();
        created.clear();
      };
      contents.once('destroyed', () => {
        leaveAll();
        logs.delete(contents);
      });
      contents.on('did-start-navigation', (details) => {
        if (details.isMainFrame && !details.isSameDocument) leaveAll();
      });
      follows = created;
    }
    return follows;
  };
  handle(followLogChannel, async (event, name) => {
    const parsed = ServerName.safeParse(name);
    if (!parsed.success) throw new HttpError(400, 'bad-request', 'followLog: not a server name');
    const contents = event.sender;
    const follows = followsOf(contents);
    follows.get(parsed.data)?.();
    follows.set(
      parsed.data,
      options.hub.followLog(parsed.data, (chunk) => {
        if (!contents.isDestroyed()) contents.send(logChannel, { event: 'log', data: chunk });
      }),
    );
    return null;
  });
  handle(unfollowLogChannel, async (event, name) => {
    const follows = logs.get(event.sender);
    if (typeof name !== 'string' || !follows) return null;
    follows.get(name)?.();
    follows.delete(name);
    return null;
  });

  // A (re)loaded page subscribes again; its earlier subscription is replaced, never doubled.
  handle(subscribeChannel, async (event) => {
    const contents = event.sender;
    if (!following.has(contents)) {
      contents.once('destroyed', () => {
        following.get(contents)?.();
        following.delete(contents);
      });
    }
    following.get(contents)?.();
    const send = (data: unknown) => {
      if (!contents.isDestroyed()) contents.send(eventChannel, data);
    };
    following.set(
      contents,
      followHub(options.hub, send, () => send({ event: 'notice', data: { level: 'error', message: 'hubtray could not list its servers' } })),
    );
    return null;
  });
}

function fromOurWindow(event: IpcMainInvokeEvent, window: WebContents | null): boolean {
  const frame = event.senderFrame;
  return window !== null && event.sender === window && frame !== null && frame === event.sender.mainFrame && isUiUrl(frame.url);
}
