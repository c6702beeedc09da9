// Stand-ins for the keychain and for the person answering prompts, for the SSH layer's own tests. The real
// keychain (gnome-keyring under dbus-run-session) is exercised by the keychain's tests; the SSH layer only needs the
// SecretStore contract, and these let a test see exactly what was stored, deleted and asked.
import type { PromptReply, PromptRequest, Prompter } from '../../electron/core/prompts/prompter.js';
import type { SecretStore } from '../../electron/core/secrets/secret-store.js';

export class InMemorySecretStoreForTests implements SecretStore {
  readonly values = new Map<string, string>();
  readonly deleted: string[] = [];

  async get(key: string): Promise<string | null> {
    return this.values.get(key) ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }

  async delete(key: string): Promise<boolean> {
    this.deleted.push(key);
    return this.values.delete(key);
  }
}

export type ScriptedAnswer =
  | PromptReply
  | Error
  | ((request: PromptRequest, signal?: AbortSignal) => PromptReply | Error | Promise<PromptReply>);

/** Answers prompts from a script, in order, and records every request; an unexpected prompt fails loudly. */
export class ScriptedPrompter implements Prompter {
  readonly asked: PromptRequest[] = [];

  constructor(private readonly script: ScriptedAnswer[] = []) {}

  async ask(request: PromptRequest, signal?: AbortSignal): Promise<PromptReply> {
    this.asked.push(request);
    const next = this.script.shift();
    if (next === undefined) throw new Error(`unexpected prompt: ${request.kind} "${request.title}"`);
    const answer = typeof next === 'function' ? await next(request, signal) : next;
    if (answer instanceof Error) throw answer;
    return answer;
  }
}

export function answer(text: string, remember = false): PromptReply {
  return { answers: [text], remember };
}
