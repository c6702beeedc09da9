// A hub's API token, one for every client of that hub (each server's spawner, discovery, a start). The user replaces a
// token the hub refuses by storing another in the keychain or by logging in again at a start; servers that already run
// pick it up when the hub refuses the old one, instead of polling and stopping with a revoked token for ever.
import type { SecretStore } from '../../secrets/secret-store.js';

export class HubToken {
  private static readonly shared = new WeakMap<SecretStore, Map<string, HubToken>>();

  private constructor(
    private readonly secrets: SecretStore,
    readonly key: string,
    private value: string,
  ) {}

  /**
   * The hub's token, or null when the keychain has none. `fresh` reads the keychain even when the token is known: a
   * start does, since the user may just have followed the advice below.
   */
  static async load(secrets: SecretStore, key: string, fresh: boolean): Promise<HubToken | null> {
    const known = HubToken.tokens(secrets).get(key);
    if (known && !fresh) return known;
    const stored = await secrets.get(key);
    return stored ? HubToken.use(secrets, key, stored) : null;
  }

  /** Keeps a token the user just created (by logging in) in the keychain, for every client of the hub. */
  static async store(secrets: SecretStore, key: string, value: string): Promise<HubToken> {
    await secrets.set(key, value);
    return HubToken.use(secrets, key, value);
  }

  get current(): string {
    return this.value;
  }

  /** After the hub refused `rejected`: the token to try instead (another client's, or the keychain's), or null. */
  async replaced(rejected: string): Promise<string | null> {
    if (this.value !== rejected) return this.value;
    const stored = await this.secrets.get(this.key);
    if (!stored || stored === rejected) return null;
    this.value = stored;
    return stored;
  }

  /** What a person whose token the hub refuses can do about it. */
  get advice(): string {
    return `Store a working token with \`hubtray secret set ${this.key}\`, or delete it (\`hubtray secret delete ${this.key}\`) to log in with a password at the next start`;
  }

  private static tokens(secrets: SecretStore): Map<string, HubToken> {
    let tokens = HubToken.shared.get(secrets);
    if (!tokens) HubToken.shared.set(secrets, (tokens = new Map()));
    return tokens;
  }

  private static use(secrets: SecretStore, key: string, value: string): HubToken {
    const tokens = HubToken.tokens(secrets);
    const known = tokens.get(key);
    if (known) known.value = value;
    else tokens.set(key, new HubToken(secrets, key, value));
    return tokens.get(key) as HubToken;
  }
}
