// A port on the remote side that leads back to a port on this computer (ssh -R, ssh2's forwardIn): how a lab on a
// cluster without a route to this computer reaches hubtray's personal hub. Like a local forward it holds its target's
// link, so the connection is rebuilt after a drop, and it asks for the same remote port again on every new
// connection: the lab keeps that address in its environment.
import net from 'node:net';
import type { ClientChannel, TcpConnectionDetails, AcceptConnection, RejectConnection } from 'ssh2';
import type { SshConnection } from './connection.js';
import { errorMessage, SshError } from './errors.js';
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
  private closed = false;
  private release: (() => void) | undefined;
  private unwatch: (() => void) | undefined;
  private retry: NodeJS.Timeout | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly onTcp = (details: TcpConnectionDetails, accept: AcceptConnection<ClientChannel>, reject: RejectConnection) => this.accept(details, accept, reject);

  constructor(private readonly options: RemoteForwardOptions) {}

  private get description(): string {
    return `remote forward ${this.options.remote.host}:${this.remotePort} -> ${this.options.local.host}:${this.options.local.port}`;
  }

  /** Asks `connection`'s server to listen on the remote address, and takes the connections it hands over. */
  async listenOn(connection: SshConnection, port: number): Promise<void> {
    const { host } = this.options.remote;
    const client = connection.sshClient;
    const granted = await new Promise<number>((resolve, reject) => {
      try {
        client.forwardIn(host, port, (err, chosen) => {
          if (!err) return resolve(port || chosen);
          const why = err.message.replace(/^\(SSH\) /, '');
          reject(new SshError('channel', `${connection.label} refused to listen on ${host}:${port} for hubtray (${why}): is the port taken, or remote forwarding (AllowTcpForwarding) off there?`, { cause: err }));
        });
      } catch (err) {
        reject(new SshError('unreachable', `the connection to ${connection.label} is closed`, { cause: err }));
      }
    });
    this.connection?.sshClient.off('tcp connection', this.onTcp);
    this.connection = connection;
    this.remotePort = granted;
    client.on('tcp connection', this.onTcp);
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
    for (const socket of this.sockets) socket.destroy();
    const connection = this.connection;
    if (connection && !connection.closed) {
      connection.sshClient.off('tcp connection', this.onTcp);
      await new Promise<void>((resolve) => {
        try {
          connection.sshClient.unforwardIn(this.options.remote.host, this.remotePort, () => resolve());
        } catch {
          resolve();
        }
      });
    }
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

  private accept(details: TcpConnectionDetails, accept: AcceptConnection<ClientChannel>, reject: RejectConnection): void {
    // Every remote forward on this connection sees every handed-over connection; each takes only its own port's.
    if (details.destPort !== this.remotePort) return;
    if (this.closed) return reject();
    const channel = accept();
    const socket = net.connect({ host: this.options.local.host, port: this.options.local.port });
    this.sockets.add(socket);
    socket.once('close', () => {
      this.sockets.delete(socket);
      channel.close();
    });
    socket.on('error', (err) => this.options.log(`ssh: ${this.description}: ${err.message}`));
    channel.on('error', () => {});
    channel.once('close', () => socket.destroy());
    socket.pipe(channel).pipe(socket);
  }
}
