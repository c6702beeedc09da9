// A local port on 127.0.0.1 that leads to a host:port on the remote side. The listener stays open for the forward's
// whole life and each accepted socket asks the target's link for its connection, so after a reconnect the same local
// port works again and open browser tabs carry on. A socket that arrives while the link reconnects waits for it, across
// failed attempts, up to a bound.
import net from 'node:net';
import type { TunnelHealth } from '../../../shared/api.js';
import { errorMessage, SshError } from './ssh-error.js';
import { abortable } from './exec.js';
import type { SshConnection } from './ssh-connection.js';
import type { Link } from './link.js';

export interface LocalForward {
  /** Bound on 127.0.0.1 only. */
  readonly localPort: number;
  health(): TunnelHealth;
  onHealth(listener: (health: TunnelHealth) => void): () => void;
  close(): Promise<void>;
}

export interface LocalForwardOptions {
  /** The target's supervised connection. */
  link: Link;
  remote: { host: string; port: number };
  localPort?: number;
  /** How long a local connection waits for a reconnect, however many attempts fail meanwhile, before it is closed. */
  waitMs: number;
  log: (line: string) => void;
  onClosed: (forward: LocalForward) => void;
}

export async function openLocalForward(options: LocalForwardOptions): Promise<LocalForward> {
  // allowHalfOpen: a client that shuts down its sending side still gets the reply (SSH channels are half-open too).
  const server = net.createServer({ pauseOnConnect: true, noDelay: true, allowHalfOpen: true });
  const localPort = await listen(server, options.localPort ?? 0);
  const forward = new Forward(server, localPort, options);
  try {
    await options.link.connect();
  } catch (err) {
    await forward.close();
    throw err;
  }
  forward.supervise();
  return forward;
}

class Forward implements LocalForward {
  private closed = false;
  private release: (() => void) | undefined;
  private unwatch: (() => void) | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly listeners = new Set<(health: TunnelHealth) => void>();
  private readonly description: string;

  constructor(
    private readonly server: net.Server,
    readonly localPort: number,
    private readonly options: LocalForwardOptions,
  ) {
    this.description = `forward 127.0.0.1:${localPort} -> ${options.remote.host}:${options.remote.port}`;
    server.on('connection', (socket) => this.accept(socket));
    server.on('error', (err) => options.log(`ssh: ${this.description}: ${err.message}`));
  }

  health(): TunnelHealth {
    return this.closed ? { state: 'none', localPort: this.localPort } : { ...this.options.link.health(), localPort: this.localPort };
  }

  onHealth(listener: (health: TunnelHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** From now on the link keeps the connection up for this forward, and its health is this forward's. */
  supervise(): void {
    this.release = this.options.link.hold();
    this.unwatch = this.options.link.onHealth(() => this.notify());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.release?.();
    this.unwatch?.();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.notify();
    this.listeners.clear();
    this.options.onClosed(this);
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
    const waited = AbortSignal.timeout(this.options.waitMs);
    connectWithin(this.options.link, waited)
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
          const why = waited.aborted ? `no connection within ${this.options.waitMs / 1000} s` : errorMessage(err);
          this.options.log(`ssh: ${this.description}: ${why}`);
          socket.destroy();
        },
      );
  }

  private notify(): void {
    const health = this.health();
    for (const listener of this.listeners) listener(health);
  }
}

/**
 * The link's connection, asked for again after each failed attempt (each ask brings the next attempt forward, but
 * not closer than the link's demand spacing) until `waited` ends. An error that needs the user ends the wait at once.
 */
async function connectWithin(link: Link, waited: AbortSignal): Promise<SshConnection> {
  for (;;) {
    try {
      return await abortable(link.connect(), waited);
    } catch (err) {
      if (waited.aborted || !(err instanceof SshError) || err.needsUser || err.code === 'cancelled') throw err;
    }
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
