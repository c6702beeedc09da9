// Follows one server through the event stream until its status is one the command waits for. The stream is
// opened before the command's call (so nothing is missed), but which server to follow is known only from the
// call's reply: `start` may pick the name, and a name may belong to an older, finished server. So events are held
// until the reply names the server, and a server is the same one only if its name and creation time match.
import { HubError, type HubEvent, type ProgressEvent, type ServerInfo, type ServerStatus } from '../../../shared/api.js';
import type { HubClient } from '../api-client/client.js';

export class ServerFollower {
  private target: ServerInfo | null = null;
  private held: HubEvent[] = [];
  private resolve!: (info: ServerInfo) => void;
  private reject!: (error: Error) => void;
  /** Settles with the server's info in one of the awaited statuses, or fails (see `fail`). */
  readonly settled = new Promise<ServerInfo>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });

  constructor(
    private readonly until: readonly ServerStatus[],
    private readonly onProgress: (event: ProgressEvent) => void = () => undefined,
  ) {
    // A caller that stops waiting (e.g. on Ctrl-C) must not leave an unhandled rejection behind.
    this.settled.catch(() => undefined);
  }

  feed(event: HubEvent): void {
    if (!this.target) {
      this.held.push(event);
      return;
    }
    if (event.event === 'progress' && event.data.name === this.target.name) this.onProgress(event.data.event);
    if (event.event === 'server') this.check(event.data);
  }

  /** Starts following the server the command's reply describes, replaying what arrived before the reply. */
  follow(info: ServerInfo): Promise<ServerInfo> {
    this.target = info;
    this.check(info);
    for (const event of this.held.splice(0)) this.feed(event);
    return this.settled;
  }

  fail(error: Error): void {
    this.reject(error);
  }

  private check(info: ServerInfo): void {
    const target = this.target;
    if (target && info.name === target.name && info.createdAt === target.createdAt && this.until.includes(info.status)) this.resolve(info);
  }
}

/**
 * Opens the event stream for `follower`, before the command's own call, so that nothing is missed. Events that are
 * not about servers go to `others`. A hub that goes away fails the follower rather than leaving it waiting.
 */
export async function subscribeFollower(hub: HubClient, follower: ServerFollower, others: (event: HubEvent) => void = () => undefined): Promise<void> {
  await hub.subscribe(
    (event) => (event.event === 'server' || event.event === 'progress' ? follower.feed(event) : others(event)),
    { onClose: (reason) => follower.fail(new HubError('unavailable', `lost the connection to hubtray: ${reason}`)) },
  );
}
