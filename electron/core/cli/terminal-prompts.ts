// Answers the hub's prompts (key passphrases, passwords, 2FA codes) on this terminal. Questions are asked one
// prompt at a time; a prompt that another face answered, or that timed out, is dropped at once.
import type { HubApi, Prompt } from '../../../shared/api.js';
import { errorMessage } from '../../../shared/error-message.js';
import { printable } from './format.js';
import { askLine } from './terminal-question.js';

export class TerminalPrompts {
  private queue: Promise<void> = Promise.resolve();
  private readonly pending = new Map<string, AbortController>();

  /** `beforeAsking` frees the terminal line, e.g. from a progress bar. */
  constructor(
    private readonly hub: Pick<HubApi, 'answerPrompt'>,
    private readonly beforeAsking: () => void,
  ) {}

  ask(prompt: Prompt): void {
    const controller = new AbortController();
    this.pending.set(prompt.id, controller);
    this.queue = this.queue
      .then(() => this.answer(prompt, controller.signal))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) process.stderr.write(`hubtray: could not answer "${printable(prompt.title)}": ${errorMessage(error)}\n`);
      })
      .finally(() => this.pending.delete(prompt.id));
  }

  closed(id: string): void {
    this.pending.get(id)?.abort();
  }

  /** Drops every open question, restoring the terminal. */
  dispose(): void {
    for (const controller of this.pending.values()) controller.abort();
  }

  private async answer(prompt: Prompt, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    this.beforeAsking();
    process.stderr.write(`${printable(prompt.title)}\n`);
    if (prompt.instructions) process.stderr.write(`${printable(prompt.instructions)}\n`);
    const answers: string[] = [];
    for (const question of prompt.questions) {
      answers.push(await askLine(asQuestion(question.text), !question.echo, signal));
    }
    const remember = prompt.canRemember && /^y(es)?$/i.test((await askLine('Remember in the keychain? [y/N] ', false, signal)).trim());
    await this.hub.answerPrompt({ id: prompt.id, answers, remember });
  }
}

function asQuestion(text: string): string {
  const shown = printable(text).trimEnd();
  return /[:?]$/.test(shown) ? `${shown} ` : `${shown}: `;
}
