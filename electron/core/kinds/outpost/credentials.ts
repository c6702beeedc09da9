// The Outpost's HTTP Basic credentials: its user name is the hub's name there (jupyterhub_name), the password what
// the Outpost's admin handed out. They live in the keychain, one entry per request_url, once the Outpost has accepted
// them. A refusal (401) does not delete them at once: an Outpost restarting, or misconfigured for a while, refuses
// good credentials too, and nobody may be at a terminal to type them again. The first refusal of a start or a stop
// marks the entry; the next one (a later start, after a restart) confirms it and deletes it; an acceptance clears the
// mark.
// A person is asked again while they answer, but within one start (its cleanup included) a prompt nobody answered is
// not asked again: the start then fails with the Outpost's refusal, the cause a person can act on.
import type { Prompter } from '../../prompts/prompter.js';
import type { SecretStore } from '../../secrets/secret-store.js';
import { OutpostError } from './outpost-error.js';

const MAX_PROMPTS = 3;

export interface BasicCredentials {
  username: string;
  password: string;
}

interface Held {
  credentials: BasicCredentials;
  inKeychain: boolean;
  /** The keychain's entry carries a refusal already: one more deletes it. */
  refusedBefore: boolean;
}

export function credentialsKey(requestUrl: string): string {
  return `outpost-credentials/${requestUrl}`;
}

export class OutpostCredentials {
  private held: Held | null = null;
  private prompts = 0;
  /** Why this start's last prompt got no answer: nobody is there to ask again. */
  private unanswered: unknown = null;
  /** The Outpost refused the credentials in this start and no others came: the answer to its every later call. */
  refusal: OutpostError | null = null;

  constructor(
    private readonly requestUrl: string,
    private readonly secrets: SecretStore,
    private readonly prompter: Prompter,
  ) {}

  /** The credentials in use, else the keychain's; null when there are none. */
  async known(): Promise<BasicCredentials | null> {
    this.held ??= parse(await this.secrets.get(credentialsKey(this.requestUrl)));
    return this.held?.credentials ?? null;
  }

  /** A start begins: its prompts and refusals are its own. */
  newStart(): void {
    this.prompts = 0;
    this.unanswered = null;
    this.refusal = null;
  }

  /** Asks the person for them, unless nobody answered before in this start; rejects as the prompter does. */
  async ask(options: { refused: boolean; signal?: AbortSignal }): Promise<BasicCredentials> {
    if (this.unanswered) throw this.unanswered;
    if (this.prompts >= MAX_PROMPTS) throw new OutpostError(`the Outpost refused the credentials ${MAX_PROMPTS} times`, 401);
    this.prompts++;
    try {
      return await this.prompt(options);
    } catch (error) {
      this.unanswered = error;
      throw error;
    }
  }

  private async prompt(options: { refused: boolean; signal?: AbortSignal }): Promise<BasicCredentials> {
    const reply = await this.prompter.ask(
      {
        kind: 'password',
        title: `Log in to the Outpost at ${this.requestUrl}`,
        instructions: `${options.refused ? 'The Outpost refused the user name or password. ' : ''}Enter the user name (your hub's name at the Outpost) and password its admin gave you. hubtray keeps them in the keychain once the Outpost accepts them.`,
        questions: [
          { text: 'User name', echo: true },
          { text: 'Password', echo: false },
        ],
        canRemember: false,
      },
      options.signal,
    );
    const [username = '', password = ''] = reply.answers;
    if (!username || !password) throw new OutpostError('a user name and a password are needed to talk to the Outpost', 401);
    this.held = { credentials: { username, password }, inKeychain: false, refusedBefore: false };
    return this.held.credentials;
  }

  /** The Outpost accepted them: from now on they are in the keychain, without a refusal mark. */
  async accepted(credentials: BasicCredentials): Promise<void> {
    const held = this.held;
    if (!held || held.credentials !== credentials || (held.inKeychain && !held.refusedBefore)) return;
    await this.secrets.set(credentialsKey(this.requestUrl), JSON.stringify(credentials));
    this.held = { credentials, inKeychain: true, refusedBefore: false };
  }

  /** The Outpost refused them (401): forgotten here; in the keychain, marked the first time and deleted the second. */
  async refused(credentials: BasicCredentials): Promise<void> {
    const held = this.held;
    if (!held || held.credentials !== credentials) return;
    this.held = null;
    if (!held.inKeychain) return;
    if (held.refusedBefore) await this.secrets.delete(credentialsKey(this.requestUrl));
    else await this.secrets.set(credentialsKey(this.requestUrl), JSON.stringify({ ...credentials, refused: true }));
  }
}

export function basicHeader(credentials: BasicCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

function parse(stored: string | null): Held | null {
  if (!stored) return null;
  try {
    const value = JSON.parse(stored) as Partial<BasicCredentials> & { refused?: unknown };
    if (typeof value.username !== 'string' || typeof value.password !== 'string') return null;
    return { credentials: { username: value.username, password: value.password }, inKeychain: true, refusedBefore: value.refused === true };
  } catch {
    return null;
  }
}
