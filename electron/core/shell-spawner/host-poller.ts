// The process checks of every server on one shell host, made in rounds: one shell per round checks them all
// (pollScript), so fifty servers on this computer cost one /bin/sh per round instead of fifty, and fifty on an SSH
// host one channel. A regular poll takes the first round after its server's last answer, and rounds of regular polls
// come one interval apart (measured from the last round's start): servers whose timers are spread over the interval
// then share one round per interval, each answered at most an interval after its last. A check that must be fresh
// (after a reconnect, a re-check the user asked for) waits for a round that starts after it asked.
import { RoundPoller, sharedPoller, type RoundSource } from '../spawner/round-poller.js';
import { parsePollOutput, pollScript, type PollAnswer, type ProcessRef } from './shell-scripts.js';
import type { ShellHost, ShellResult } from './shell-host.js';

export class HostPoller {
  private readonly refs = new Map<string, ProcessRef>();
  private readonly rounds: RoundPoller<PollAnswer>;

  constructor(host: ShellHost, failure: (result: ShellResult) => Error) {
    const source: RoundSource<PollAnswer> = {
      query: async (ids) => {
        const checked = ids.filter((id) => this.refs.has(id));
        const result = await host.run(pollScript(checked.map((id) => this.refs.get(id) as ProcessRef)));
        const answers = parsePollOutput(result.stdout);
        // A line missing means the shell did not get to that server (it failed, or the host went away): no answer
        // for anyone in this round rather than a wrong one for some.
        if (checked.some((_, i) => !answers.has(i))) throw failure(result);
        return new Map(checked.map((id, i) => [id, answers.get(i) as PollAnswer]));
      },
    };
    this.rounds = new RoundPoller(source);
  }

  /**
   * The server's process as seen by a round that started at or after `since` (ms since the epoch), started no sooner
   * than `spacingMs` after the previous round. `ref` replaces what this poller knew of the server: the next rounds
   * check it as it is now. Resolves with the answer and when its round started.
   */
  async check(id: string, ref: ProcessRef, since: number, spacingMs: number): Promise<{ answer: PollAnswer; at: number }> {
    this.refs.set(id, ref);
    this.rounds.watch(id);
    const seen = await this.rounds.observe(id, since, spacingMs);
    // A round answers for every server it checked or fails; null would be a server it skipped, never "gone".
    if (seen.status === null) throw new Error(`the check of ${id} was skipped`);
    return { answer: seen.status, at: seen.at };
  }

  /** Checks of the server end: it stopped, or its record was cleared. */
  forget(id: string): void {
    this.refs.delete(id);
    this.rounds.unwatch(id);
  }
}

/** The poller of one shell host, per owner (the Hub's SSH pool) and ShellHost.key (the same host as the same user). */
export function hostPoller(owner: object, host: ShellHost, failure: (result: ShellResult) => Error): HostPoller {
  return sharedPoller(owner, `shell:${host.key}`, () => new HostPoller(host, failure));
}
