// What the SSH layer needs of one logged-in connection to a target, whichever client makes it: ssh2 in this process
// (connection.ts) or the system's OpenSSH as a master process hubtray owns (openssh/). The link supervises it, and
// commands (exec.ts) and forwards (local-forward.ts, remote-forward.ts) go through it.
import type { Duplex, Readable } from 'node:stream';
import type { SshError } from './ssh-error.js';

/** A byte stream through the connection: a forwarded TCP connection, or a command's stdin and stdout. */
export interface Channel extends Duplex {
  /** Ends the channel at once; 'close' follows. */
  close(): void;
}

/** How a command ended: its exit code, or the signal (SIGTERM…) that ended it. */
export interface ExitStatus {
  code: number | null;
  signal: string | null;
}

/** A command's channel: its stdout is the stream, its stderr beside it. */
export interface SessionChannel extends Channel {
  readonly stderr: Readable;
  /** How the command ended, once the server has said (always before the channel closes); undefined until then. */
  exitStatus(): ExitStatus | undefined;
}

/** A port the SSH server listens on for hubtray (ssh -R); each connection to it leads to a port here. */
export interface RemoteListener {
  /** The port the server listens on (the one it chose, when asked for 0). */
  readonly port: number;
  /** Stops listening and ends the connections it handed over. */
  close(): Promise<void>;
}

export interface SshConnection {
  /** The user name the target accepted. */
  readonly user: string;
  /** user@host:port, for messages. */
  readonly label: string;
  /** How the connection is made, when it is not hubtray's own ssh2 client; said in a start's events. */
  readonly transportNote: string | undefined;
  readonly closed: boolean;
  /** Called once, when the connection is gone; at once (asynchronously) if it already is. */
  onClose(listener: (reason: SshError) => void): () => void;
  /** Whether the target answers within `timeoutMs`: an answer proves every hop of the chain alive. */
  answers(timeoutMs: number): Promise<boolean>;
  /** A channel the server connects to host:port (ssh -W); src names the local end in the server's log. */
  forwardOut(srcIP: string, srcPort: number, host: string, port: number): Promise<Channel>;
  /** Starts `command`, waiting for a free session slot first; the slot is released when the channel closes. */
  openSession(command: string, signal: AbortSignal): Promise<SessionChannel>;
  /** ssh -R: the server listens on `remote`, and each connection there leads to `local` on this computer. */
  listenRemote(remote: { host: string; port: number }, local: { host: string; port: number }, log: (line: string) => void): Promise<RemoteListener>;
  /** Why the connection is gone, or that it is closed. */
  lostError(): SshError;
  /** Ends the connection and resolves once everything it started has stopped. */
  end(): Promise<void>;
  /** Drops a connection that stopped answering: nothing waits for the dead peer. */
  destroy(reason: SshError): void;
}
