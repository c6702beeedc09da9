// The time limit of a login, which stands still while a person answers a prompt (a passphrase, a 2FA code) and
// starts over afterwards: connect_timeout bounds the machines, not the person.
export class LoginDeadline {
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
