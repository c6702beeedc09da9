// A Prompter asks the user something (a key passphrase, a password, a 2FA code) through whichever face answers
// first. The SSH layer depends on this interface only; the Hub implements it with prompt events.
import { CodedError, type Prompt } from '../../../shared/api.js';

export type PromptRequest = Omit<Prompt, 'id'>;

export interface PromptReply {
  answers: string[];
  /** The user ticked "remember in keychain"; only meaningful when the request had canRemember. */
  remember: boolean;
}

export interface Prompter {
  /** Rejects with PromptTimeoutError when nobody answers in time, or with the signal's reason when aborted. */
  ask(request: PromptRequest, signal?: AbortSignal): Promise<PromptReply>;
}

export class PromptTimeoutError extends CodedError {
  constructor(title: string, seconds: number) {
    super('failed', `nobody answered "${title}" within ${seconds} s`);
    this.name = 'PromptTimeoutError';
  }
}
