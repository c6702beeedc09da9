// What a login says when a question it asked a person got no answer: cancelled (the start or the pool was), or
// stopped because nobody answered in time (prompt_timeout) or the prompt failed. The same words for hubtray's own
// client (auth.ts) and for the system's OpenSSH (openssh/askpass-server.ts).
import { PromptTimeoutError } from '../prompts/prompter.js';
import { errorMessage, SshError } from './ssh-error.js';

export function promptFailure(who: string, err: unknown, signal: AbortSignal): SshError {
  if (signal.aborted || (err instanceof Error && err.name === 'AbortError')) {
    return new SshError('cancelled', `login to ${who} was cancelled`, { cause: err });
  }
  const why = err instanceof PromptTimeoutError ? err.message : `the prompt failed: ${errorMessage(err)}`;
  return new SshError('auth', `login to ${who} stopped: ${why}`, { cause: err });
}
