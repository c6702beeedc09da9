// Logs in to one host: TCP (or a channel through the previous jump host), host key check, authentication. Every
// failure becomes an SshError that names the host and says what to do.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { AlgorithmList, Algorithms, CipherAlgorithm, Client, ServerHostKeyAlgorithm, VerifyCallback } from 'ssh2';
import { Authenticator, type AuthContext } from './auth.js';
import { errorMessage, SshError, unreachableError } from './errors.js';
import { KnownHosts, verifyHostKey } from './known-hosts.js';
import type { HostSettings } from './ssh-config.js';

export interface HopOptions {
  hop: HostSettings;
  /** A channel opened through the previous jump host; without it, a TCP connection is made. */
  sock?: Duplex;
  connectTimeoutMs: number;
  /** Called once this hop's own TCP connection (not a channel through a jump host) is made. */
  tcpConnected?: () => void;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  auth: Omit<AuthContext, 'duringPrompt' | 'abort'>;
}

type Ssh2Error = Error & { level?: string; code?: string; description?: string };
// ssh2 takes any of append/prepend/remove; its typings demand all three.
type AlgorithmEdit = Record<'append' | 'prepend' | 'remove', ServerHostKeyAlgorithm[]>;

export async function connectHop(options: HopOptions): Promise<Client> {
  const { hop, auth: authContext } = options;
  const where = `${hop.hostname}:${hop.port}`;
  const knownHosts = await KnownHosts.load({
    user: hop.userKnownHostsFiles,
    global: hop.globalKnownHostsFiles,
    hash: hop.hashKnownHosts,
  });
  const client = new ssh2.Client();
  // Without TCP_NODELAY, ssh2's pure-JS cipher (Electron's) writes each packet in pieces that wait for the peer's
  // delayed ACK: 40 ms per round trip. OpenSSH sets it too. Later ProxyJump hops ride inside this socket.
  const sock = options.sock ?? net.connect({ host: hop.hostname, port: hop.port, noDelay: true });
  let reached = options.sock !== undefined;
  sock.once('connect', () => {
    reached = true;
    options.tcpConnected?.();
  });

  return new Promise<Client>((resolve, reject) => {
    let settled = false;
    let fatal: SshError | undefined;
    const fail = (err: SshError) => {
      if (settled) return;
      settled = true;
      deadline.stop();
      authContext.signal.removeEventListener('abort', onAbort);
      client.destroy();
      sock.destroy();
      reject(err);
    };
    // ssh2's own readyTimeout would also run while a person types a passphrase or a 2FA code.
    const deadline = new Deadline(options.connectTimeoutMs, () =>
      fail(
        reached
          ? new SshError('timeout', `${where} accepted the connection, but the SSH login did not finish within ${seconds(options)} s`)
          : new SshError('unreachable', `cannot reach ${where}: no answer within ${seconds(options)} s`),
      ),
    );
    const onAbort = () => fail(new SshError('cancelled', `connecting to ${where} was cancelled`));
    if (authContext.signal.aborted) return onAbort();
    authContext.signal.addEventListener('abort', onAbort, { once: true });

    const auth = new Authenticator(hop, {
      ...authContext,
      duringPrompt: (work) => deadline.pauseWhile(work),
      abort: () => fail(auth.failure()),
    });

    client.on('ready', () => {
      settled = true;
      deadline.stop();
      authContext.signal.removeEventListener('abort', onAbort);
      void auth.succeeded();
      resolve(client);
    });
    client.on('error', (err: Ssh2Error) => {
      if (settled) return;
      // ssh2 reports these and goes on with the next method.
      if (err.level === 'agent' || (err.level === 'client-authentication' && !/All configured authentication/.test(err.message))) {
        authContext.log(`ssh: ${where}: ${err.message}`);
        return;
      }
      fail(fatal ?? classify(err, hop, auth));
    });
    const closed = () => fail(fatal ?? new SshError('unreachable', `${where} closed the connection during login`));
    // A transport through a jump host is a channel, which may end without a 'close'.
    client.on('end', closed);
    client.on('close', closed);

    const knownTypes = knownHosts.knownKeyTypes(hop.hostname, hop.port).flatMap(hostKeyAlgorithms);
    const algorithms: Algorithms = {
      ...(hop.ciphers ? { cipher: hop.ciphers as AlgorithmList<CipherAlgorithm> } : {}),
      ...(knownTypes.length > 0 ? { serverHostKey: { prepend: knownTypes } as AlgorithmEdit } : {}),
    };
    client.connect({
      sock,
      username: hop.user,
      readyTimeout: 0,
      keepaliveInterval: options.keepaliveIntervalMs,
      keepaliveCountMax: options.keepaliveCountMax,
      authHandler: auth.handler,
      algorithms,
      hostVerifier: (key: Buffer, verify: VerifyCallback) => {
        verifyHostKey(knownHosts, hop.hostname, hop.port, key, authContext.log).then(
          () => verify(true),
          (err: unknown) => {
            fatal = err instanceof SshError ? err : new SshError('host-key-changed', `${where}: ${errorMessage(err)}`);
            verify(false);
          },
        );
      },
    });
  });
}

function classify(err: Ssh2Error, hop: HostSettings, auth: Authenticator): SshError {
  const where = `${hop.hostname}:${hop.port}`;
  if (/no matching .*cipher/.test(err.message)) {
    // Retrying cannot help: one side's Ciphers has to change.
    const offered = hop.ciphers ? `the ciphers that Ciphers for ${hop.alias} in the ssh config leaves` : "ssh2's default ciphers";
    return new SshError('config', `${where} accepts none of ${offered} (${err.message}); set Ciphers for ${hop.alias} in the ssh config to one the server offers`, {
      cause: err,
    });
  }
  switch (err.level) {
    case 'client-socket':
    case 'client-dns':
      return unreachableError(where, err);
    case 'client-authentication':
      return auth.failure();
    case 'client-timeout':
      return new SshError('timeout', `${where} stopped answering during login (${err.message})`, { cause: err });
  }
  if (/before handshake/i.test(err.message)) {
    return new SshError('unreachable', `${where} closed the connection before the SSH handshake (is that an SSH server?)`, {
      cause: err,
    });
  }
  if (/authentication/i.test(err.message)) {
    // e.g. the server's "Too many authentication failures"
    const failure = auth.failure();
    return new SshError('auth', `${failure.message} The server ended the login: ${err.message}`, { cause: err });
  }
  return new SshError('unreachable', `SSH connection to ${where} failed: ${err.message}`, { cause: err });
}

/** Host key types on record map to the signature algorithms that yield them. */
function hostKeyAlgorithms(keyType: string): ServerHostKeyAlgorithm[] {
  if (keyType === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  if (keyType === 'ssh-ed25519' || keyType.startsWith('ecdsa-sha2-')) return [keyType as ServerHostKeyAlgorithm];
  return [];
}

function seconds(options: HopOptions): number {
  return options.connectTimeoutMs / 1000;
}

/** A time limit for the login that stands still while a person answers a prompt, and restarts afterwards. */
class Deadline {
  private timer: NodeJS.Timeout | undefined;
  private prompts = 0;
  private stopped = false;

  constructor(
    private readonly ms: number,
    private readonly onExpire: () => void,
  ) {
    this.start();
  }

  async pauseWhile<T>(work: Promise<T>): Promise<T> {
    if (this.prompts++ === 0) clearTimeout(this.timer);
    try {
      return await work;
    } finally {
      if (--this.prompts === 0 && !this.stopped) this.start();
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private start(): void {
    this.timer = setTimeout(this.onExpire, this.ms);
  }
}
