// The Outpost's HTTP Basic credentials: its user name is the hub's name there (jupyterhub_name), the password what
// the Outpost's admin handed out. They live in the keychain, one entry per request_url; hubtray asks for them when
// there are none, or when the Outpost refused them (401), and keeps them once the Outpost has accepted them.
import type { Prompter } from '../prompts.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { OutpostError } from './errors.js';

export interface BasicCredentials {
  username: string;
  password: string;
}

export function credentialsKey(requestUrl: string): string {
  return `outpost-credentials/${requestUrl}`;
}

export class OutpostCredentials {
  private current: BasicCredentials | null = null;
  private inKeychain = false;

  constructor(
    private readonly requestUrl: string,
    private readonly secrets: SecretStore,
    private readonly prompter: Prompter,
  ) {}

  /**
   * The credentials to send: the ones in use, else the keychain's, else (when a person may be asked) a prompt.
   * `refused` says the last ones got a 401: they are forgotten, and a person is asked again.
   */
  async get(options: { interactive: boolean; refused?: boolean; signal?: AbortSignal }): Promise<BasicCredentials> {
    if (options.refused) {
      this.current = null;
      this.inKeychain = false;
      await this.secrets.delete(credentialsKey(this.requestUrl));
    } else {
      if (!this.current) {
        this.current = parse(await this.secrets.get(credentialsKey(this.requestUrl)));
        this.inKeychain = this.current !== null;
      }
      if (this.current) return this.current;
    }
    if (!options.interactive) {
      throw new OutpostError(`there are no credentials for the Outpost at ${this.requestUrl} in the keychain; start a server on it to enter them`, 401);
    }
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
    this.current = { username, password };
    return this.current;
  }

  /** The Outpost accepted them: from now on they are in the keychain. */
  async accepted(credentials: BasicCredentials): Promise<void> {
    if (this.inKeychain || credentials !== this.current) return;
    await this.secrets.set(credentialsKey(this.requestUrl), JSON.stringify(credentials));
    this.inKeychain = true;
  }
}

export function basicHeader(credentials: BasicCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

function parse(stored: string | null): BasicCredentials | null {
  if (!stored) return null;
  try {
    const value = JSON.parse(stored) as Partial<BasicCredentials>;
    return typeof value.username === 'string' && typeof value.password === 'string' ? { username: value.username, password: value.password } : null;
  } catch {
    return null;
  }
}
