// How a connection ends, once: the reason, and who is told. The connections of both transports (ssh2's and the
// system's OpenSSH) keep one, so that "closed", onClose and the reason behave alike whichever carries a target.
import { SshError } from './ssh-error.js';

export class ConnectionEnd {
  private reason: SshError | undefined;
  private readonly listeners = new Set<(reason: SshError) => void>();

  constructor(private readonly label: string) {}

  get closed(): boolean {
    return this.reason !== undefined;
  }

  /** Why the connection ended; while it is open, a plain "closed" for a use that found it unusable. */
  lostError(): SshError {
    return this.reason ?? new SshError('unreachable', `the connection to ${this.label} is closed`);
  }

  /** Called once, when the connection is gone; at once (asynchronously) if it already is. */
  onClose(listener: (reason: SshError) => void): () => void {
    const reason = this.reason;
    if (reason) {
      queueMicrotask(() => listener(reason));
      return () => {};
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Records the end (the first reason wins), runs `first` (the transport's own clean-up), then tells every listener.
   * False when the connection had already ended.
   */
  end(reason: SshError, first: () => void = () => {}): boolean {
    if (this.reason) return false;
    this.reason = reason;
    first();
    for (const listener of this.listeners) listener(reason);
    this.listeners.clear();
    return true;
  }
}
