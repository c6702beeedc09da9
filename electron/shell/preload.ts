// The window's only way to the Hub. Runs sandboxed and context-isolated: it exposes four functions on
// `window.hubtray`, never ipcRenderer itself, and the renderer never sees an Electron event object. Vite bundles it
// into one CommonJS file (build/vite.preload.config.ts), since a sandboxed preload can only require('electron').
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isMethodName } from '../../shared/api.js';
import {
  eventChannel,
  followLogChannel,
  logChannel,
  methodChannel,
  openServerChannel,
  preloadGlobal,
  subscribeChannel,
  unfollowLogChannel,
  type IpcReply,
  type PreloadApi,
} from '../../shared/ipc.js';

const api: PreloadApi = {
  call(method, args) {
    // Only the contract's channels are ever invoked, whatever string the page passes.
    if (!isMethodName(method)) return Promise.resolve<IpcReply>({ ok: false, error: { code: 'not-found', message: `no such method "${method}"` } });
    return ipcRenderer.invoke(methodChannel(method), args) as Promise<IpcReply>;
  },
  onEvent(listener) {
    const forward = (_event: IpcRendererEvent, data: unknown) => listener(data);
    ipcRenderer.on(eventChannel, forward);
    void ipcRenderer.invoke(subscribeChannel);
    return () => {
      ipcRenderer.removeListener(eventChannel, forward);
    };
  },
  openServer(name) {
    return ipcRenderer.invoke(openServerChannel, name) as Promise<IpcReply>;
  },
  followLog(name, listener, failed) {
    const forward = (_event: IpcRendererEvent, data: unknown) => {
      if ((data as { data?: { name?: unknown } } | null)?.data?.name === name) listener(data);
    };
    ipcRenderer.on(logChannel, forward);
    void (ipcRenderer.invoke(followLogChannel, name) as Promise<IpcReply>).then((reply) => {
      if (!reply.ok) failed(reply.error.message);
    });
    return () => {
      ipcRenderer.removeListener(logChannel, forward);
      void ipcRenderer.invoke(unfollowLogChannel, name);
    };
  },
};

contextBridge.exposeInMainWorld(preloadGlobal, api);
