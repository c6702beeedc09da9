// The Hub's Prompter: a question becomes a `prompt` event that any face may answer through `answerPrompt`; the first
// answer wins, and an unanswered prompt times out so a start never hangs on a closed window.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { HubError, type Prompt, type PromptAnswer } from '../../../shared/api.js';
import { PromptTimeoutError, type Prompter, type PromptReply, type PromptRequest } from './prompter.js';

interface Pending {
  prompt: Prompt;
  resolve: (reply: PromptReply) => void;
}

/** Work the user can cancel (a start), on whose behalf prompts are asked while it runs. */
interface Asker {
  signal: AbortSignal;
  live: boolean;
}

/**
 * The prompt was withdrawn because what it was asked for was cancelled. Named like an abort, so that the SSH layer
 * reports a cancelled login rather than a refused one.
 */
class PromptWithdrawn extends Error {
  constructor(title: string) {
    super(`"${title}" was withdrawn: what it was asked for was cancelled`);
    this.name = 'AbortError';
  }
}

export class PromptBroker implements Prompter {
  private readonly pending = new Map<string, Pending>();
  // The SSH layer asks deep inside a login that a start set off; it knows nothing of the start, but the login's
  // socket callbacks run in the start's async context, so the start is found here.
  private readonly askers = new AsyncLocalStorage<Asker>();

  constructor(
    private timeoutSeconds: number,
    private readonly announce: (prompt: Prompt) => void,
    private readonly closed: (id: string) => void,
  ) {}

  /** config.json's prompt_timeout, for prompts asked from now on. */
  setTimeoutSeconds(seconds: number): void {
    this.timeoutSeconds = seconds;
  }

  /**
   * Runs `work` on behalf of something the user may cancel: a prompt it raises closes as soon as `signal` aborts,
   * instead of waiting for prompt_timeout. Only while `work` runs: a reconnect that later starts from a connection
   * it opened is nobody's to cancel.
   */
  async askingFor<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    const asker: Asker = { signal, live: true };
    try {
      return await this.askers.run(asker, work);
    } finally {
      asker.live = false;
    }
  }

  ask(request: PromptRequest, signal?: AbortSignal): Promise<PromptReply> {
    const prompt: Prompt = { ...request, id: randomUUID() };
    const asker = this.askers.getStore();
    // Asked after the cancel (a login to clean up what the start launched): that one the user may still answer.
    const withdraw = asker?.live && !asker.signal.aborted ? asker.signal : undefined;
    const timeoutSeconds = this.timeoutSeconds;
    return new Promise<PromptReply>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        withdraw?.removeEventListener('abort', onWithdraw);
        this.pending.delete(prompt.id);
        this.closed(prompt.id);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new PromptTimeoutError(prompt.title, timeoutSeconds));
      }, timeoutSeconds * 1000);
      const onAbort = () => {
        finish();
        reject(signal?.reason instanceof Error ? signal.reason : new Error('cancelled'));
      };
      const onWithdraw = () => {
        finish();
        reject(new PromptWithdrawn(prompt.title));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      withdraw?.addEventListener('abort', onWithdraw, { once: true });
      this.pending.set(prompt.id, {
        prompt,
        resolve: (reply) => {
          finish();
          resolve(reply);
        },
      });
      this.announce(prompt);
    });
  }

  list(): Prompt[] {
    return [...this.pending.values()].map((p) => p.prompt);
  }

  answer(answer: PromptAnswer): void {
    const pending = this.pending.get(answer.id);
    if (!pending) throw new HubError('not-found', 'this prompt was already answered, timed out or was withdrawn');
    if (answer.answers.length !== pending.prompt.questions.length) {
      throw new HubError('bad-request', `expected ${pending.prompt.questions.length} answer(s), got ${answer.answers.length}`);
    }
    pending.resolve({ answers: answer.answers, remember: answer.remember && pending.prompt.canRemember });
  }
}
