// A Jupyter kernel driven the way JupyterLab drives one: started with POST /api/kernels, then its channels websocket,
// speaking just enough of the Jupyter messaging protocol (v5.3) to wait until it is ready, run code and read what it
// printed. Against a real Jupyter server and ipykernel; used by the tests that need a kernel idle, busy, or alive
// across a link cut.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

interface KernelMessage {
  msg_type?: string;
  header?: { msg_type?: string };
  parent_header?: { msg_id?: string };
  content?: { name?: string; text?: string; status?: string; execution_state?: string };
}

/** How long a kernel may take to answer its first kernel_info_request: ipykernel's start on a loaded 2-core CI machine. */
const READY_MS = 120_000;

export class KernelChannels {
  private readonly session = randomUUID();

  private constructor(private readonly ws: WebSocket) {}

  /** Opens the channels websocket at `url` (ws://…/api/kernels/<id>/channels). */
  static open(url: string | URL, token: string): Promise<KernelChannels> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: { Authorization: `token ${token}` }, handshakeTimeout: 5000 });
      ws.once('open', () => resolve(new KernelChannels(ws)));
      ws.once('error', reject);
    });
  }

  get closed(): Promise<void> {
    return new Promise((resolve) => (this.ws.readyState === WebSocket.CLOSED ? resolve() : this.ws.once('close', () => resolve())));
  }

  /**
   * Waits until the kernel answers a kernel_info_request, asking again every 2 s as JupyterLab does: the server says
   * "starting" until the kernel has answered once, and a request sent while ipykernel still boots may be lost.
   */
  async ready(timeoutMs = READY_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const asked = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      const ask = (): void => {
        if (Date.now() > deadline) return finish(new Error(`the kernel did not answer kernel_info_request within ${timeoutMs / 1000} s`));
        const id = randomUUID();
        asked.add(id);
        this.send(id, 'kernel_info_request', {});
      };
      const onMessage = (data: WebSocket.RawData): void => {
        const message = parse(data);
        if (typeOf(message) === 'kernel_info_reply' && asked.has(message.parent_header?.msg_id ?? '')) finish();
      };
      const timer = setInterval(ask, 2000);
      const finish = (error?: Error): void => {
        clearInterval(timer);
        this.ws.off('message', onMessage);
        if (error) reject(error);
        else resolve();
      };
      this.ws.on('message', onMessage);
      ask();
    });
  }

  /** Runs `code`; resolves with its stdout once the kernel replied ok and went idle (on two channels, in either order). */
  execute(code: string, timeoutMs = 20_000): Promise<string> {
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      let stdout = '';
      let status: string | undefined;
      let idle = false;
      const timer = setTimeout(() => done(new Error(`${code}: no answer from the kernel within ${timeoutMs / 1000} s`)), timeoutMs);
      const onMessage = (data: WebSocket.RawData): void => {
        const message = parse(data);
        if (message.parent_header?.msg_id !== id) return;
        const type = typeOf(message);
        if (type === 'stream' && message.content?.name === 'stdout') stdout += message.content.text ?? '';
        if (type === 'execute_reply') status = message.content?.status;
        if (type === 'status' && message.content?.execution_state === 'idle') idle = true;
        if (idle && status !== undefined) done(status === 'ok' ? undefined : new Error(`${code}: ${status}`));
      };
      const done = (error?: Error): void => {
        clearTimeout(timer);
        this.ws.off('message', onMessage);
        if (error) reject(error);
        else resolve(stdout);
      };
      this.ws.on('message', onMessage);
      this.send(id, 'execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    });
  }

  /** Sends `code` as JupyterLab sends a cell and resolves once the kernel says it is busy with it, not when it ends. */
  begin(code: string, timeoutMs = 20_000): Promise<void> {
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`${code}: the kernel did not start it within ${timeoutMs / 1000} s`)), timeoutMs);
      const onMessage = (data: WebSocket.RawData): void => {
        const message = parse(data);
        if (message.parent_header?.msg_id === id && typeOf(message) === 'status' && message.content?.execution_state === 'busy') done();
      };
      const done = (error?: Error): void => {
        clearTimeout(timer);
        this.ws.off('message', onMessage);
        if (error) reject(error);
        else resolve();
      };
      this.ws.on('message', onMessage);
      this.send(id, 'execute_request', { code, silent: false, store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    });
  }

  close(): void {
    this.ws.terminate();
  }

  private send(id: string, type: string, content: object): void {
    const header = { msg_id: id, session: this.session, username: 'test', msg_type: type, version: '5.3', date: new Date().toISOString() };
    this.ws.send(JSON.stringify({ header, parent_header: {}, metadata: {}, content, channel: 'shell', buffers: [] }));
  }
}

/**
 * Starts a python3 kernel on the Jupyter server at `base` (its root URL), opens its channels, and returns once the
 * kernel has answered and the server too says it is idle: what JupyterLab does when it opens a notebook.
 *
 * Why both: the server reads a kernel's state from an IOPub subscription of its own, and on a loaded machine that
 * subscription joins late (ZeroMQ drops what a PUB socket sends before a SUB has joined). A kernel that answered us
 * while the server was not yet listening stays "starting" in /api/kernels, and a cell run then is never seen busy
 * by the server (nor by hubtray's culler or Stop, which ask the server). So the kernel is asked again until the
 * server has seen one of its answers.
 */
export async function startKernel(base: URL, token: string, timeoutMs = READY_MS): Promise<{ id: string; channels: KernelChannels }> {
  const headers = { authorization: `token ${token}`, 'content-type': 'application/json' };
  const res = await fetch(new URL('api/kernels', base), { method: 'POST', headers, body: JSON.stringify({ name: 'python3' }) });
  if (res.status !== 201) throw new Error(`POST api/kernels answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  const { id } = (await res.json()) as { id: string };
  const url = new URL(`api/kernels/${id}/channels`, base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const channels = await KernelChannels.open(url, token);
  const deadline = Date.now() + timeoutMs;
  try {
    let state: string | undefined;
    while (state !== 'idle') {
      if (Date.now() > deadline) throw new Error(`the server still says kernel ${id} is ${state ?? 'unknown'} after ${timeoutMs / 1000} s`);
      await channels.ready(deadline - Date.now());
      const model = await fetch(new URL(`api/kernels/${id}?no_track_activity=1`, base), { headers });
      state = ((await model.json()) as { execution_state?: string }).execution_state;
      if (state !== 'idle') await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } catch (error) {
    channels.close();
    throw error;
  }
  return { id, channels };
}

function parse(data: WebSocket.RawData): KernelMessage {
  return JSON.parse(data.toString()) as KernelMessage;
}

function typeOf(message: KernelMessage): string | undefined {
  return message.msg_type ?? message.header?.msg_type;
}
