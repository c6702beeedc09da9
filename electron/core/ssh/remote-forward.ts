// A port on the remote side that leads back to a port on this computer (ssh -R): how a lab on a cluster without a
// route to this computer reaches hubtray's personal hub. Like a local forward it holds its target's link, so the
// connection is rebuilt after a drop, and it asks for the same remote port again on every new connection: the lab
// keeps that address in its environment.
import type { RemoteListener, SshConnection } from './ssh-connection.js';
import { errorMessage } from './ssh-error.js';
import type { Link } from './link.js';

export interface RemoteForward {
  /** The port the SSH server listens on (the one it chose, when asked for 0). */
  readonly remotePort: number;
  close(): Promise<void>;
}

export interface RemoteForwardOptions {
  /** The target's supervised connection. */
  link: Link;
  /** Where the SSH server listens; 127.0.0.1 keeps the port private to that host. */
  remote: { host: string; port: number };
  /** Where each connection leads on this computer. */
  local: { host: string; port: number };
  log: (line: string) => void;
  onClosed: (forward: RemoteForward) => void;
}

export async function openRemoteForward(options: RemoteForwardOptions): Promise<RemoteForward> {
  const connection = await options.link.connect();
  const forward = new Forward(options);
  await forward.listenOn(connection, options.remote.port);
  forward.supervise();
  return forward;
}

class Forward implements RemoteForward {
  remotePort = 0;
  private connection: SshConnection | undefined;
  private listener: RemoteListener | undefined;
  private closed = false;
  private release: (() => void) | undefined;
  private unwatch: (() => void) | undefined;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly options: RemoteForwardOptions) {}

  private get description(): string {
    return `remote forward ${this.options.remote.host}:${this.remotePort} -> ${this.options.local.host}:${this.options.local.port}`;
  }

  /** Asks `connection`'s server to listen on the remote address, and takes the connections it hands over. */
  async listenOn(connection: SshConnection, port: number): Promise<void> {
    const listener = await connection.listenRemote({ host: this.options.remote.host, port }, this.options.local, this.options.log);
    // The old connection is gone, and its server's listener with it: only the connections it handed over remain.
    this.listener?.close().catch((err: unknown) => this.options.log(`ssh: ${this.description}: the old listener did not close (${errorMessage(err)})`));
    this.connection = connection;
    this.listener = listener;
    this.remotePort = listener.port;
  }

  /** From now on the link keeps the connection up for this forward, and a new connection listens again. */
  supervise(): void {
    this.release = this.options.link.hold();
    this.unwatch = this.options.link.onHealth((health) => {
      if (health.state === 'connected') void this.relisten();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retry);
    this.release?.();
    this.unwatch?.();
    await this.listener?.close();
    this.options.onClosed(this);
  }

  private async relisten(attempt = 0): Promise<void> {
    clearTimeout(this.retry);
    if (this.closed) return;
    try {
      const connection = await this.options.link.connect();
      if (connection === this.connection || this.closed) return;
      await this.listenOn(connection, this.remotePort);
      this.options.log(`ssh: ${this.description}: listening again after a reconnect`);
    } catch (err) {
      // After a drop the server may hold the port for the session left behind until its ClientAlive checks end it:
      // the lab knows only this port, so ask again, as long as the forward is wanted.
      const seconds = Math.min(2 ** attempt, 30);
      this.options.log(`ssh: ${this.description}: could not listen again (${errorMessage(err)}); asking again in ${seconds} s`);
      this.retry = setTimeout(() => void this.relisten(attempt + 1), seconds * 1000);
      this.retry.unref();
    }
  }
}
