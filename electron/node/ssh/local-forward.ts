// A local port on 127.0.0.1 that leads to a host:port on the remote side. Each accepted socket asks for the
// target's connection anew, so a connection that dropped is rebuilt by the next request, on the same local port,
// and open browser tabs keep working.
import net from 'node:net';
import type { TunnelHealth } from '../../../shared/api.js';
import type { SshConnection } from './connection.js';
import { errorMessage, SshError } from './errors.js';

export interface LocalForward {
  /** Bound on 127.0.0.1 only. */
  readonly localPort: number;
  health(): TunnelHealth;
  onHealth(listener: (health: TunnelHealth) => void): () => void;
  close(): Promise<void>;
}

export interface LocalForwardOptions {
  /** The target's current connection, (re)connecting when needed. */
  connect: () => Promise<SshConnection>;
  remote: { host: string; port: number };
  localPort?: number;
  log: (line: string) => void;
  onClosed: (forward: LocalForward) => void;
}

export async function openLocalForward(options: LocalForwardOptions): Promise<LocalForward> {
  const server = net.createServer({ pauseOnConnect: true });
  const localPort = await listen(server, options.localPort ?? 0);
  const forward = new Forward(server, localPort, options);
  try {
    await forward.connection();
  } catch (err) {
    await forward.close();
    throw err;
  }
  return forward;
}

class Forward implements LocalForward {
  private state: TunnelHealth;
  private current: SshConnection | undefined;
  private connecting: Promise<SshConnection> | undefined;
  private closed = false;
  private readonly sockets = new Set<net.Socket>();
  private readonly listeners = new Set<(health: TunnelHealth) => void>();
  private readonly description: string;

  constructor(
    private readonly server: net.Server,
    readonly localPort: number,
    private readonly options: LocalForwardOptions,
  ) {
    this.state = { state: 'none', localPort };
    this.description = `forward 127.0.0.1:${localPort} -> ${options.remote.host}:${options.remote.port}`;
    server.on('connection', (socket) => this.accept(socket));
    server.on('error', (err) => options.log(`ssh: ${this.description}: ${err.message}`));
  }

  health(): TunnelHealth {
    return { ...this.state };
  }

  onHealth(listener: (health: TunnelHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The live connection; after a drop, one reconnect shared by every socket that arrives meanwhile. */
  connection(): Promise<SshConnection> {
    if (this.current && !this.current.closed) return Promise.resolve(this.current);
    this.connecting ??= this.reconnect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.setHealth({ state: 'none' });
    this.listeners.clear();
    this.options.onClosed(this);
  }

  private async reconnect(): Promise<SshConnection> {
    const attempt = this.state.state === 'none' ? undefined : (this.state.attempt ?? 0) + 1;
    if (attempt !== undefined) this.setHealth({ state: 'reconnecting', attempt, lastError: this.state.lastError });
    try {
      const connection = await this.options.connect();
      this.current = connection;
      connection.onClose((reason) => {
        if (this.current !== connection || this.closed) return;
        this.options.log(`ssh: ${this.description}: ${reason.message}; reconnecting on the next request`);
        this.setHealth({ state: 'reconnecting', attempt: 0, lastError: reason.message });
      });
      this.setHealth({ state: 'connected' });
      return connection;
    } catch (err) {
      const message = errorMessage(err);
      const needsUser = err instanceof SshError && err.needsUser;
      this.setHealth(needsUser ? { state: 'failed', lastError: message } : { state: 'reconnecting', attempt, lastError: message });
      throw err;
    }
  }

  private accept(socket: net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    // A browser resetting a connection is routine; 'close' does the cleaning up.
    socket.on('error', () => {});
    const { host, port } = this.options.remote;
    this.connection()
      .then((connection) => connection.forwardOut(socket.remoteAddress ?? '127.0.0.1', socket.remotePort ?? 0, host, port))
      .then(
        (channel) => {
          channel.on('error', () => {});
          if (socket.destroyed) {
            channel.close();
            return;
          }
          channel.once('close', () => socket.destroy());
          socket.once('close', () => channel.close());
          socket.pipe(channel).pipe(socket);
          socket.resume();
        },
        (err: unknown) => {
          this.options.log(`ssh: ${this.description}: ${errorMessage(err)}`);
          socket.destroy();
        },
      );
  }

  private setHealth(health: Omit<TunnelHealth, 'localPort'>): void {
    this.state = { ...health, localPort: this.localPort };
    for (const listener of this.listeners) listener(this.health());
  }
}

function listen(server: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE'
          ? 'is already in use; stop whatever listens there or choose another port'
          : err.code === 'EACCES'
            ? 'may not be used by this user'
            : `cannot be opened: ${err.message}`;
      reject(new SshError('config', `local port ${port} on 127.0.0.1 ${why}`, { cause: err }));
    });
    // 127.0.0.1 only: a tunnel to someone's Jupyter must not be reachable from the network.
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      server.removeAllListeners('error');
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}
