// One logged-in connection to a target, possibly through a chain of jump hosts, shared by every command and forward
// to that target. When any hop of the chain goes down the whole chain is ended, so that the target's link rebuilds it
// from the start instead of talking to half a chain.
import type { Client, ClientChannel } from 'ssh2';
import { connectHop, type HopOptions } from './connect-hop.js';
import { SshError } from './errors.js';
import type { HostSettings } from './ssh-config.js';

// OpenSSH's sshd allows 10 sessions per connection (MaxSessions); forwards do not count.
const maxSessions = 8;
const endGraceMs = 2000;

export type ConnectOptions = Omit<HopOptions, 'hop' | 'sock'>;

export async function openConnection(chain: HostSettings[], options: ConnectOptions): Promise<SshConnection> {
  const target = chain.at(-1);
  if (!target) throw new SshError('config', 'nothing to connect to');
  const via = chain.slice(0, -1).map(describe);
  options.auth.log(`ssh: connecting to ${describe(target)}${via.length > 0 ? ` via ${via.join(', ')}` : ''}`);
  const clients: Client[] = [];
  try {
    for (const hop of chain) {
      const previous = clients.at(-1);
      const jump = chain[clients.length - 1];
      const sock = previous && jump ? await forwardOut(previous, describe(jump), '127.0.0.1', 0, hop.hostname, hop.port) : undefined;
      clients.push(await connectHop({ ...options, hop, sock }));
    }
  } catch (err) {
    for (const client of clients) client.end();
    throw err;
  }
  return new SshConnection(clients, target, options.auth.log);
}

export class SshConnection {
  /** The user name the target accepted. */
  readonly user: string;
  readonly label: string;
  private closedWith: SshError | undefined;
  private readonly closeListeners = new Set<(reason: SshError) => void>();
  private readonly sessions = new Slots(maxSessions);
  private readonly client: Client;

  constructor(
    private readonly clients: Client[],
    target: HostSettings,
    private readonly log: (line: string) => void,
  ) {
    this.user = target.user;
    this.label = describe(target);
    this.client = clients.at(-1) as Client;
    for (const client of clients) {
      let lastError: Error | undefined;
      const lost = () =>
        this.teardown(
          new SshError('unreachable', `the connection to ${this.label} was lost${lastError ? `: ${lastError.message}` : ''}`, {
            cause: lastError,
          }),
        );
      client.on('error', (err: Error) => (lastError = err));
      // Over a jump host the transport is a channel, which may end without ever emitting 'close'.
      client.on('end', lost);
      client.on('close', lost);
    }
    log(`ssh: connected to ${this.label}`);
  }

  /** The ssh2 client at the end of the chain, for the remote forward (remote-forward.ts), which drives forwardIn itself. */
  get sshClient(): Client {
    return this.client;
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Called once, when the connection is gone; at once (asynchronously) if it already is. */
  onClose(listener: (reason: SshError) => void): () => void {
    const reason = this.closedWith;
    if (reason) {
      queueMicrotask(() => listener(reason));
      return () => {};
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * Whether the target answers a global request within `timeoutMs`. The request cancels a remote forward that was
   * never set up: every sshd answers it (with a refusal) at once, like OpenSSH's keepalive, and an answer from the
   * target proves every hop of the chain alive.
   */
  answers(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      const answered = (alive: boolean) => {
        clearTimeout(timer);
        resolve(alive);
      };
      try {
        this.client.unforwardIn('hubtray-probe.invalid', 0, () => answered(true));
      } catch {
        answered(false);
      }
    });
  }

  forwardOut(srcIP: string, srcPort: number, host: string, port: number): Promise<ClientChannel> {
    return forwardOut(this.client, this.label, srcIP, srcPort, host, port);
  }

  /** Starts `command`, waiting for a free session slot first; the slot is released when the channel closes. */
  async openSession(command: string, signal: AbortSignal): Promise<ClientChannel> {
    for (;;) {
      const slot = await this.sessions.acquire(signal);
      let channel: ClientChannel;
      try {
        channel = await this.exec(command);
      } catch (err) {
        // Refused while other sessions are open: the server allows fewer than maxSessions (its MaxSessions), or has
        // not yet counted a session as closed (over a slow link). This command waits for one of the others instead,
        // and the connection keeps one slot fewer.
        if (err instanceof SshError && err.code === 'channel' && this.sessions.inUse > 1) {
          slot.retire();
          this.log(`ssh: ${this.label} refused a session with ${this.sessions.inUse} open; waiting for one of those (${err.message})`);
          continue;
        }
        slot.release();
        throw err;
      }
      channel.once('close', slot.release);
      if (signal.aborted) {
        channel.close();
        throw signal.reason;
      }
      return channel;
    }
  }

  private exec(command: string): Promise<ClientChannel> {
    return new Promise<ClientChannel>((resolve, reject) => {
      const opened = (err: Error | undefined, ch: ClientChannel) =>
        err ? reject(new SshError('channel', `could not start a command on ${this.label}: ${err.message}`, { cause: err })) : resolve(ch);
      try {
        this.client.exec(command, opened);
      } catch {
        reject(this.lostError());
      }
    });
  }

  lostError(): SshError {
    return this.closedWith ?? new SshError('unreachable', `the connection to ${this.label} is closed`);
  }

  /** Ends every link of the chain and resolves once they are closed. */
  async end(): Promise<void> {
    const closing = this.clients.map(
      (client) =>
        new Promise<void>((resolve) => {
          if (this.closed) return resolve();
          client.once('close', () => resolve());
          setTimeout(() => {
            client.destroy();
            resolve();
          }, endGraceMs).unref();
        }),
    );
    this.teardown(new SshError('cancelled', `the connection to ${this.label} was closed by hubtray`));
    await Promise.all(closing);
  }

  /** Drops a connection that stopped answering: unlike end(), nothing waits for the dead peer. */
  destroy(reason: SshError): void {
    this.teardown(reason);
    for (const client of this.clients) client.destroy();
  }

  private teardown(reason: SshError): void {
    if (this.closedWith) return;
    this.closedWith = reason;
    this.log(`ssh: connection to ${this.label} closed: ${reason.message}`);
    for (const client of this.clients.toReversed()) client.end();
    for (const listener of this.closeListeners) listener(reason);
    this.closeListeners.clear();
  }
}

function describe(hop: HostSettings): string {
  return `${hop.user}@${hop.hostname}:${hop.port}`;
}

function forwardOut(client: Client, via: string, srcIP: string, srcPort: number, host: string, port: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      client.forwardOut(srcIP, srcPort, host, port, (err, channel) => {
        if (!err) return resolve(channel);
        const reason = (err as Error & { reason?: number }).reason;
        if (reason === 1) {
          return reject(
            new SshError('channel', `${via} refuses to forward connections to ${host}:${port} (is AllowTcpForwarding off there?)`, {
              cause: err,
            }),
          );
        }
        const code = reason === 2 ? 'unreachable' : 'channel';
        reject(new SshError(code, `${via} could not connect to ${host}:${port}: ${err.message.replace(/^\(SSH\) /, '')}`, { cause: err }));
      });
    } catch (err) {
      reject(new SshError('unreachable', `the connection to ${via} is closed`, { cause: err }));
    }
  });
}

/** A slot taken from Slots: released for the next waiter, or retired for good. */
interface Slot {
  release: () => void;
  retire: () => void;
}

/** A counting semaphore whose waiters can give up, and whose count drops by each slot retired. */
class Slots {
  private free: number;
  private held = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(count: number) {
    this.free = count;
  }

  get inUse(): number {
    return this.held;
  }

  acquire(signal: AbortSignal): Promise<Slot> {
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal.removeEventListener('abort', onAbort);
        this.held++;
        let done = false;
        const give = (back: boolean) => {
          if (done) return;
          done = true;
          this.held--;
          if (!back) return;
          const next = this.waiting.shift();
          if (next) next();
          else this.free++;
        };
        resolve({ release: () => give(true), retire: () => give(false) });
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(grant);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal.reason);
      };
      if (signal.aborted) return reject(signal.reason);
      if (this.free > 0) {
        this.free--;
        return grant();
      }
      this.waiting.push(grant);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
