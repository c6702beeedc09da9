// The Hub's Prompter: a question becomes a `prompt` event that any face may answer through `answerPrompt`; the first
// answer wins, and an unanswered prompt times out so a start never hangs on a closed window.
import { randomUUID } from 'node:crypto';
import { HubError, type Prompt, type PromptAnswer } from '../../../shared/api.js';
import { PromptTimeoutError, type Prompter, type PromptReply, type PromptRequest } from '../prompts.js';

interface Pending {
  prompt: Prompt;
  resolve: (reply: PromptReply) => void;
}

export class PromptBroker implements Prompter {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly timeoutSeconds: number,
    private readonly announce: (prompt: Prompt) => void,
    private readonly closed: (id: string) => void,
  ) {}

  ask(request: PromptRequest, signal?: AbortSignal): Promise<PromptReply> {
    const prompt: Prompt = { ...request, id: randomUUID() };
    return new Promise<PromptReply>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.pending.delete(prompt.id);
        this.closed(prompt.id);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new PromptTimeoutError(prompt.title, this.timeoutSeconds));
      }, this.timeoutSeconds * 1000);
      const onAbort = () => {
        finish();
        reject(signal?.reason instanceof Error ? signal.reason : new Error('cancelled'));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
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
    if (!pending) throw new HubError('not-found', 'this prompt was already answered or has timed out');
    if (answer.answers.length !== pending.prompt.questions.length) {
      throw new HubError('bad-request', `expected ${pending.prompt.questions.length} answer(s), got ${answer.answers.length}`);
    }
    pending.resolve({ answers: answer.answers, remember: answer.remember && pending.prompt.canRemember });
  }
}
