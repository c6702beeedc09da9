// Logs in to one host: its transport (TCP, a ProxyCommand, or a channel through the previous jump host), host key
// check, authentication. Every failure becomes an SshError that names the host and says what to do.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { AlgorithmList, Algorithms, CipherAlgorithm, Client, ServerHostKeyAlgorithm, VerifyCallback } from 'ssh2';
import { Authenticator, type AuthContext } from './auth.js';
import { forwardOut } from './forward-out.js';
import { ProxyCommand } from './proxy-command.js';
import { errorMessage, SshError, unreachableError } from './ssh-error.js';
import { KnownHosts, verifyHostKey } from './known-hosts.js';
import { LoginDeadline } from './login-deadline.js';
import type { HostSettings } from './ssh-config.js';

export interface HopOptions {
  hop: HostSettings;
  /** The previous hop of the chain, which opens this hop's transport as a channel; without it, TCP or ProxyCommand. */
  via?: { client: Client; label: string };
  connectTimeoutMs: number;
  /**
   * Called once this hop's transport answers: its TCP connection is made, its ProxyCommand started, or its channel
   * through the jump host opened. Called with what it waits for when this hop's channel is asked for: the jump host's
   * TCP connect to this hop, which may be stuck as any TCP connect may.
   */
  tcpConnected?: (waitingFor?: string) => void;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  auth: Omit<AuthContext, 'duringPrompt' | 'abort'>;
}

/** A logged-in hop. */
export interface Hop {
  client: Client;
  /** Resolves once the client has closed and its ProxyCommand, if any, has exited. */
  closed: Promise<void>;
}

type Ssh2Error = Error & { level?: string; code?: string; description?: string };
// ssh2 takes any of append/prepend/remove; its typings demand all three.
type AlgorithmEdit = Record<'append' | 'prepend' | 'remove', ServerHostKeyAlgorithm[]>;

export async function connectHop(options: HopOptions): Promise<Hop> {
  const { hop, via, auth: authContext } = options;
  const where = `${hop.hostname}:${hop.port}`;
  const knownHosts = await KnownHosts.load({
    user: hop.userKnownHostsFiles,
    global: hop.globalKnownHostsFiles,
    hash: hop.hashKnownHosts,
  });
  const client = new ssh2.Client();
  // ProxyJump wins over ProxyCommand, as in OpenSSH.
  const proxy = !via && hop.proxyCommand ? new ProxyCommand(hop.proxyCommand, hop.alias, authContext.log) : undefined;
  const clientClosed = new Promise<void>((resolve) => {
    // A transport through a jump host is a channel, which may end without a 'close'.
    client.once('end', resolve);
    client.once('close', resolve);
  });
  const closed = clientClosed.then(async () => {
    await proxy?.stop();
  });
  let sock: Duplex | undefined;
  let reached = false;
  let handshakeDone = false;
  client.once('handshake', () => (handshakeDone = true));

  return new Promise<Hop>((resolve, reject) => {
    let settled = false;
    let fatal: SshError | undefined;
    const fail = (err: SshError) => {
      if (settled) return;
      settled = true;
      deadline.stop();
      authContext.signal.removeEventListener('abort', onAbort);
      client.destroy();
      sock?.destroy();
      if (!proxy) return reject(err);
      void proxy.stop().then((exit) => reject(proxy.explain(err, exit, handshakeDone)));
    };
    // ssh2's own readyTimeout would also run while a person types a passphrase or a 2FA code.
    const deadline = new LoginDeadline(options.connectTimeoutMs, () => fail(timedOut()));
    const timedOut = () => {
      const within = `within ${seconds(options)} s`;
      if (proxy && !handshakeDone) return new SshError('unreachable', `no SSH handshake with ${where} through its ProxyCommand ${within}`);
      if (reached) return new SshError('timeout', `${where} accepted the connection, but the SSH login did not finish ${within}`);
      if (via) return new SshError('unreachable', `${via.label} could not connect to ${where}: no answer ${within}`);
      return new SshError('unreachable', `cannot reach ${where}: no answer ${within}`);
    };
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
      resolve({ client, closed });
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
    const lost = () => fail(fatal ?? new SshError('unreachable', `${where} closed the connection during login`));
    client.on('end', lost);
    client.on('close', lost);

    const knownTypes = knownHosts.knownKeyTypes(hop.hostname, hop.port).flatMap(hostKeyAlgorithms);
    const algorithms: Algorithms = {
      ...(hop.ciphers ? { cipher: hop.ciphers as AlgorithmList<CipherAlgorithm> } : {}),
      ...(knownTypes.length > 0 ? { serverHostKey: { prepend: knownTypes } as AlgorithmEdit } : {}),
    };
    const login = (transport: Duplex) => {
      sock = transport;
      client.connect({
        sock: transport,
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
    };
    const answered = () => {
      reached = true;
      options.tcpConnected?.();
    };

    if (via) {
      options.tcpConnected?.(`from ${via.label} to ${where}`);
      forwardOut(via.client, via.label, '127.0.0.1', 0, hop.hostname, hop.port).then(
        (channel) => {
          // Opened after all, once this hop was given up.
          if (settled) return channel.close();
          answered();
          login(channel);
        },
        (err: unknown) => fail(err instanceof SshError ? err : unreachableError(where, err)),
      );
    } else if (proxy) {
      // No TCP connect of ours that could be stuck: how the command reaches the host is its own affair.
      answered();
      login(proxy.sock);
    } else {
      // Without TCP_NODELAY, ssh2's pure-JS cipher (Electron's) writes each packet in pieces that wait for the peer's
      // delayed ACK: 40 ms per round trip. OpenSSH sets it too. Later ProxyJump hops ride inside this socket.
      const socket = net.connect({ host: hop.hostname, port: hop.port, noDelay: true });
      socket.once('connect', answered);
      login(socket);
    }
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
