// One logged-in connection to a target, possibly through a chain of jump hosts, shared by every command and forward
// to that target. When any hop of the chain goes down the whole chain is ended, so that the target's link rebuilds it
// from the start instead of talking to half a chain.
import type { Client, ClientChannel } from 'ssh2';
import { connectHop, type Hop, type HopOptions } from './connect-hop.js';
import { forwardOut } from './forward-out.js';
import { maxSessions, Slots } from './session-slots.js';
import type { ExitStatus, RemoteListener, SessionChannel, SshConnection } from './ssh-connection.js';
import { ConnectionEnd } from './connection-end.js';
import { SshError } from './ssh-error.js';
import type { HostSettings } from './ssh-config.js';
import { listenRemoteOverSsh2 } from './ssh2-remote-listen.js';

const endGraceMs = 2000;

export type ConnectOptions = Omit<HopOptions, 'hop' | 'via'>;

export async function openConnection(chain: HostSettings[], options: ConnectOptions): Promise<Ssh2Connection> {
  const target = chain.at(-1);
  if (!target) throw new SshError('config', 'nothing to connect to');
  const jumps = chain.slice(0, -1).map(describe);
  options.auth.log(`ssh: connecting to ${describe(target)}${jumps.length > 0 ? ` via ${jumps.join(', ')}` : ''}`);
  const hops: Hop[] = [];
  try {
    for (const hop of chain) {
      const previous = hops.at(-1);
      const jump = chain[hops.length - 1];
      const via = previous && jump ? { client: previous.client, label: describe(jump) } : undefined;
      hops.push(await connectHop({ ...options, hop, via }));
    }
  } catch (err) {
    // A ProxyCommand of the first hop goes with it, before the failure is told.
    await endHops(hops);
    throw err;
  }
  return new Ssh2Connection(hops, target, options.auth.log);
}

export class Ssh2Connection implements SshConnection {
  readonly user: string;
  readonly label: string;
  readonly transportNote = undefined;
  private readonly ending: ConnectionEnd;
  private readonly sessions = new Slots(maxSessions);
  private readonly client: Client;

  constructor(
    private readonly hops: Hop[],
    target: HostSettings,
    private readonly log: (line: string) => void,
  ) {
    this.user = target.user;
    this.label = describe(target);
    this.ending = new ConnectionEnd(this.label);
    this.client = (hops.at(-1) as Hop).client;
    for (const { client } of hops) {
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

  get closed(): boolean {
    return this.ending.closed;
  }

  /** Called once, when the connection is gone; at once (asynchronously) if it already is. */
  onClose(listener: (reason: SshError) => void): () => void {
    return this.ending.onClose(listener);
  }

  /**
   * The request cancels a remote forward that was never set up: every sshd answers it (with a refusal) at once, like
   * OpenSSH's keepalive.
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

  listenRemote(remote: { host: string; port: number }, local: { host: string; port: number }, log: (line: string) => void): Promise<RemoteListener> {
    return listenRemoteOverSsh2(this.client, this.label, remote, local, log);
  }

  async openSession(command: string, signal: AbortSignal): Promise<SessionChannel> {
    for (;;) {
      const slot = await this.sessions.acquire(signal);
      let channel: SessionChannel;
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

  private exec(command: string): Promise<SessionChannel> {
    return new Promise<SessionChannel>((resolve, reject) => {
      const opened = (err: Error | undefined, ch: ClientChannel) =>
        err ? reject(new SshError('channel', `could not start a command on ${this.label}: ${err.message}`, { cause: err })) : resolve(keepingExitStatus(ch));
      try {
        this.client.exec(command, opened);
      } catch {
        reject(this.lostError());
      }
    });
  }

  lostError(): SshError {
    return this.ending.lostError();
  }

  /** Ends every link of the chain and resolves once they are closed, and their ProxyCommand has exited. */
  async end(): Promise<void> {
    const closing = endHops(this.hops, false);
    this.teardown(new SshError('cancelled', `the connection to ${this.label} was closed by hubtray`));
    await closing;
  }

  destroy(reason: SshError): void {
    this.teardown(reason);
    for (const { client } of this.hops) client.destroy();
  }

  private teardown(reason: SshError): void {
    this.ending.end(reason, () => {
      this.log(`ssh: connection to ${this.label} closed: ${reason.message}`);
      for (const { client } of this.hops.toReversed()) client.end();
    });
  }
}

function describe(hop: HostSettings): string {
  return `${hop.user}@${hop.hostname}:${hop.port}`;
}

/**
 * Ends the hops (last first, unless the caller already does) and resolves once each is closed: a hop that does not
 * close within endGraceMs of its end is destroyed, and one that does not close even then is let go.
 */
async function endHops(hops: Hop[], end = true): Promise<void> {
  await Promise.all(
    hops.toReversed().map(({ client, closed }) => {
      if (end) client.end();
      let timer: NodeJS.Timeout | undefined;
      // Neither wait keeps the process alive.
      const given = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          client.destroy();
          timer = setTimeout(resolve, endGraceMs).unref();
        }, endGraceMs).unref();
      });
      return Promise.race([closed, given]).finally(() => clearTimeout(timer));
    }),
  );
}

/**
 * ssh2 emits 'exit' while it parses the packets that arrived together, and the exec's answer, the command's exit
 * status and its close can arrive in one read (a slow link, a loaded machine): before whoever awaits the channel
 * listens. The status is kept from the moment the channel opens.
 */
function keepingExitStatus(channel: ClientChannel): SessionChannel {
  let status: ExitStatus | undefined;
  channel.once('exit', ((code: number | null, signal?: string) => {
    status = { code: code ?? null, signal: signal ?? null };
  }) as (code: number) => void);
  return Object.assign(channel, { exitStatus: () => status });
}
