// Authentication for one hop, in OpenSSH's order: ssh-agent, keys (asking for passphrases) and their OpenSSH
// certificates, keyboard-interactive, password. A key is a file, or `keychain:NAME`: the private key's text kept in the
// keychain (entry ssh-key/NAME), parsed in memory so that it never touches the disk. Each method is only tried when
// the server offers it, so nobody is asked for a password the server would never accept. Prompts go to the Prompter
// (a face answers them); secrets the user asked to remember go to the keychain, and a remembered secret that stops
// working is forgotten. A failed login says what each method got.
import { access, readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type {
  AnyAuthMethod,
  AuthenticationType,
  AuthHandlerMiddleware,
  IdentityCallback,
  KeyboardInteractiveCallback,
  ParsedKey,
  Prompt as Ssh2Prompt,
} from 'ssh2';
import type { PromptReply, PromptRequest, Prompter } from '../prompts/prompter.js';
import { secretKeys, type SecretStore } from '../secrets/secret-store.js';
import { certifies, readCertificate } from './certificates.js';
import { promptFailure } from './prompt-failure.js';
import { errorMessage, SshError } from './ssh-error.js';
import type { HostSettings } from './ssh-config.js';

export interface AuthContext {
  prompter: Prompter;
  secrets: SecretStore;
  /** The pool's agent socket; an empty string means none. A host's IdentityAgent overrides it. */
  agentSocket: string | undefined;
  log: (line: string) => void;
  signal: AbortSignal;
  /** A person is answering: the handshake deadline must not run out meanwhile. */
  duringPrompt: <T>(work: Promise<T>) => Promise<T>;
  /** Ends the login at once; used when a prompt fails in the middle of a keyboard-interactive exchange. */
  abort: () => void;
}

interface Step {
  /** The method name as the server lists it in "methods that can continue". */
  method: AuthenticationType;
  label: string;
  build: () => Promise<AnyAuthMethod | null>;
}

const passwordPrompts = 3;
const passphraseTries = 3;

/** An identity of the form `keychain:NAME` is the key kept in the keychain entry sshKeySecret(NAME). */
export const KEYCHAIN_KEY_PREFIX = 'keychain:';
/** A name that ssh config's `%` and `${}` expansion of IdentityFile leaves as it is. */
export const KEYCHAIN_KEY_NAME = /^[A-Za-z0-9._@-]+$/;

export function sshKeySecret(name: string): string {
  return `ssh-key/${name}`;
}

function keychainKeyName(identity: string): string | null {
  return identity.startsWith(KEYCHAIN_KEY_PREFIX) ? identity.slice(KEYCHAIN_KEY_PREFIX.length) : null;
}

export class Authenticator {
  readonly handler: AuthHandlerMiddleware;
  private readonly steps: Iterator<Step>;
  /** Steps the server did not offer yet; with several required methods it may offer them after a partial success. */
  private deferred: Step[] = [];
  /** What each method got, in the order first tried. */
  private readonly outcomes = new Map<string, { refused: number; accepted: boolean }>();
  /** The method the server has not answered yet. */
  private awaiting: string | undefined;
  private lastAnswer: AuthenticationType[] | undefined;
  /** What the server asked in keyboard-interactive ("Verification code:"), which names the method better. */
  private keyboardQuestion: string | undefined;
  /** Each key file's parsed key, so that its certificates and the key itself ask for one passphrase. */
  private readonly keys = new Map<string, Promise<ParsedKey | null>>();
  private readonly skipped: string[] = [];
  private serverMethods: AuthenticationType[] = [];
  private fatal: SshError | undefined;
  /** The password of the last attempt, until the server says whether it was right. */
  private lastPassword: { value: string; fromKeychain: boolean; remember: boolean } | undefined;
  private toRemember: string | undefined;
  private passwordAttempts = 0;
  private keyboardPrompted = false;

  constructor(
    private readonly hop: HostSettings,
    private readonly ctx: AuthContext,
  ) {
    this.steps = this.plan();
    // ssh2 passes null on the first call and accepts false for "nothing left", which its typings omit.
    this.handler = (methodsLeft, partialSuccess, next) => {
      const done = next as (method: AnyAuthMethod | false) => void;
      this.next(methodsLeft as AuthenticationType[] | null, partialSuccess as boolean | null).then(done, (err: unknown) => {
        this.fatal = err instanceof SshError ? err : new SshError('auth', `login to ${this.who} failed: ${errorMessage(err)}`);
        done(false);
      });
    };
  }

  private get who(): string {
    return `${this.hop.user}@${this.hop.hostname}:${this.hop.port}`;
  }

  private get passwordKey(): string {
    return secretKeys.sshPassword(this.hop.user, this.hop.hostname, this.hop.port);
  }

  /** Why the login failed, in words a user can act on: what each method got. */
  failure(): SshError {
    if (this.fatal) return this.fatal;
    const named = (label: string) => (label === 'keyboard-interactive' && this.keyboardQuestion ? `${label} ("${this.keyboardQuestion}")` : label);
    const outcomes = [...this.outcomes].map(([label, got]) => ({ name: named(label), ...got }));
    const accepted = outcomes.filter((got) => got.accepted).map((got) => got.name);
    const others = outcomes.filter((got) => !got.accepted);
    const parts = [`Permission denied for ${this.who}.`];
    if (accepted.length > 0) {
      // One of several required methods: it worked, and the message must not make it look like the culprit.
      const refused = others.map(({ name, refused: n }) => `${name}${n > 1 ? ` ${n} times` : ''}`);
      parts.push(`The server accepted ${accepted.join(' and ')}, then refused ${refused.length > 0 ? refused.join(', ') : 'to go on'}.`);
    } else if (others.length > 0) {
      parts.push(`Tried: ${others.map(({ name, refused: n }) => `${name}${n > 1 ? ` (refused ${n} times)` : ''}`).join(', ')}.`);
    } else {
      parts.push('No usable credentials were found.');
    }
    if (this.skipped.length > 0) parts.push(`Skipped: ${[...new Set(this.skipped)].join('; ')}.`);
    if (this.serverMethods.length > 0) parts.push(`The server accepts: ${this.serverMethods.join(', ')}.`);
    return new SshError('auth', parts.join(' '));
  }

  /** Called once the server accepted the login. */
  async succeeded(): Promise<void> {
    const last = this.lastPassword;
    const password = last?.remember && !last.fromKeychain ? last.value : this.toRemember;
    this.lastPassword = undefined;
    this.toRemember = undefined;
    if (password !== undefined) await this.remember(this.passwordKey, password, 'password');
  }

  private async next(methodsLeft: AuthenticationType[] | null, partialSuccess: boolean | null): Promise<AnyAuthMethod | false> {
    const username = this.hop.user;
    // The first round asks for nothing: the server's refusal tells which methods it accepts.
    if (methodsLeft === null) return { type: 'none', username };
    this.serverMethods = methodsLeft;
    // ssh2 hands on the server's last answer when it skipped a method itself (an agent without keys): only a new
    // answer is the server's word on the method it was waiting for.
    const answered = methodsLeft !== this.lastAnswer && this.awaiting && this.outcomes.get(this.awaiting);
    this.lastAnswer = methodsLeft;
    if (answered) {
      if (partialSuccess === true) answered.accepted = true;
      else answered.refused++;
    }
    this.awaiting = undefined;
    await this.settlePassword(partialSuccess === true);
    const waiting = this.deferred;
    this.deferred = [];
    for (const step of this.candidates(waiting)) {
      if (!methodsLeft.includes(step.method)) {
        this.deferred.push(step);
        continue;
      }
      const method = await step.build();
      if (method) {
        if (!this.outcomes.has(step.label)) this.outcomes.set(step.label, { refused: 0, accepted: false });
        this.awaiting = step.label;
        return method;
      }
    }
    return false;
  }

  private *candidates(waiting: Step[]): Generator<Step> {
    yield* waiting;
    for (let step = this.steps.next(); !step.done; step = this.steps.next()) yield step.value;
  }

  private *plan(): Generator<Step> {
    yield { method: 'publickey', label: 'ssh-agent', build: () => this.agentMethod() };
    const files = this.hop.identityFiles;
    const certificates = this.hop.certificateFiles;
    const certificate = (file: string, certificateFile: string): Step => ({
      method: 'publickey',
      label: `certificate ${certificateFile} (key ${file})`,
      build: () => this.certificateMethod(file, certificateFile),
    });
    // As OpenSSH: CertificateFile's certificates first, each with the key it certifies; without any, each key is
    // followed by the KEY-cert.pub beside it.
    for (const certificateFile of certificates) for (const file of files) yield certificate(file, certificateFile);
    for (const file of files) {
      yield { method: 'publickey', label: `key ${file}`, build: () => this.keyMethod(file) };
      const beside = besideCertificate(file, certificates);
      if (beside !== null) yield certificate(file, beside);
    }
    for (let round = 0; round < passwordPrompts; round++) {
      this.keyboardPrompted = false;
      yield { method: 'keyboard-interactive', label: 'keyboard-interactive', build: async () => this.keyboardMethod() };
      // A server that asked nothing (no PAM conversation) would answer the same way again.
      if (!this.keyboardPrompted) break;
    }
    yield { method: 'password', label: 'password', build: () => this.storedPasswordMethod() };
    for (let round = 0; round < passwordPrompts; round++) {
      yield { method: 'password', label: 'password', build: () => this.promptedPasswordMethod() };
    }
  }

  private async agentMethod(): Promise<AnyAuthMethod | null> {
    const configured = this.hop.identityAgent;
    const socket =
      configured === 'none' ? '' : configured === 'SSH_AUTH_SOCK' ? process.env.SSH_AUTH_SOCK : (configured ?? this.ctx.agentSocket);
    if (!socket) return null;
    if (!(await exists(socket))) {
      this.skipped.push(`ssh-agent socket ${socket} does not exist`);
      return null;
    }
    if (!this.hop.identitiesOnly || !this.hop.identityFilesConfigured) {
      return { type: 'agent', username: this.hop.user, agent: socket };
    }
    // IdentitiesOnly: the agent may only sign with the configured keys, which it might hold unlocked, and offer the
    // configured certificates of them (CertificateFile, KEY-cert.pub), which ssh-add puts in the agent beside the key.
    const { identityFiles, certificateFiles } = this.hop;
    const configuredCertificates = [...certificateFiles, ...identityFiles.map((file) => besideCertificate(file, certificateFiles))];
    const allowed = [
      ...(await Promise.all(identityFiles.map((file) => this.publicKeyOf(file)))),
      ...(await Promise.all(configuredCertificates.map((file) => (file === null ? null : readCertificate(file))))),
    ]
      .filter((key): key is ParsedKey => key !== undefined && key !== null && !(key instanceof Error))
      .map((key) => key.getPublicSSH());
    if (allowed.length === 0) return null;
    return { type: 'agent', username: this.hop.user, agent: new IdentitiesOnlyAgent(socket, allowed) };
  }

  private async keyMethod(file: string): Promise<AnyAuthMethod | null> {
    const key = await this.privateKey(file);
    return key && { type: 'publickey', username: this.hop.user, key };
  }

  /** The certificate offered with its key, if it certifies that key: told by the public half, before any passphrase. */
  private async certificateMethod(file: string, certificateFile: string): Promise<AnyAuthMethod | null> {
    const certificate = await readCertificate(certificateFile);
    const configured = this.hop.certificateFiles.includes(certificateFile);
    if (certificate === null) {
      if (configured) this.skipped.push(`certificate ${certificateFile}: no such file`);
      return null;
    }
    if (certificate instanceof Error) {
      this.skipped.push(`certificate ${certificateFile}: ${certificate.message}`);
      return null;
    }
    const publicHalf = await this.publicKeyOf(file);
    if (publicHalf && !certifies(certificate, publicHalf)) return null;
    const key = await this.privateKey(file);
    if (!key || !certifies(certificate, key)) return null;
    return { type: 'publickey', username: this.hop.user, key, certificate };
  }

  private privateKey(file: string): Promise<ParsedKey | null> {
    let key = this.keys.get(file);
    if (!key) {
      key = this.loadKey(file);
      this.keys.set(file, key);
    }
    return key;
  }

  private async loadKey(file: string): Promise<ParsedKey | null> {
    const data = await this.keyData(file);
    if (!data) return null;
    const parsed = ssh2.utils.parseKey(data);
    if (!(parsed instanceof Error)) return this.privateHalf(file, parsed);
    if (!/no passphrase given/i.test(parsed.message)) {
      this.skipped.push(`key ${file}: ${parsed.message}`);
      return null;
    }
    const key = await this.decrypt(file, data);
    return key ? this.privateHalf(file, key) : null;
  }

  /** The key's bytes, from its file or from the keychain; null (and why, in `skipped`) when there are none. */
  private async keyData(file: string): Promise<Buffer | null> {
    const name = keychainKeyName(file);
    if (name !== null) {
      const text = await this.readSecret(sshKeySecret(name));
      if (text === null) this.skipped.push(`key ${file}: the keychain has no entry ${sshKeySecret(name)} (store one with \`hubtray secret ssh-key ${name} < KEYFILE\`)`);
      return text === null ? null : Buffer.from(text, 'utf8');
    }
    try {
      return await readFile(file);
    } catch (err) {
      if (this.hop.identityFilesConfigured) this.skipped.push(`key ${file}: ${readError(err)}`);
      return null;
    }
  }

  private privateHalf(file: string, key: ParsedKey): ParsedKey | null {
    if (key.isPrivateKey()) return key;
    this.skipped.push(`key ${file}: not a private key`);
    return null;
  }

  private async decrypt(file: string, data: Buffer): Promise<ParsedKey | undefined> {
    const keychainKey = secretKeys.sshPassphrase(file);
    const stored = await this.readSecret(keychainKey);
    if (stored !== null) {
      const key = ssh2.utils.parseKey(data, stored);
      if (!(key instanceof Error)) return key;
      this.ctx.log(`ssh: the passphrase remembered for ${file} no longer decrypts it; forgetting it`);
      await this.forget(keychainKey);
    }
    for (let attempt = 1; attempt <= passphraseTries; attempt++) {
      const reply = await this.ask({
        kind: 'passphrase',
        title: `Passphrase for ${file}`,
        instructions:
          (attempt > 1 ? 'That passphrase was wrong. ' : '') + `The key ${file} is encrypted; it is needed to log in to ${this.who}.`,
        questions: [{ text: `Enter passphrase for key ${file}:`, echo: false }],
        canRemember: true,
      });
      const passphrase = reply.answers[0] ?? '';
      const key = ssh2.utils.parseKey(data, passphrase);
      if (!(key instanceof Error)) {
        if (reply.remember) await this.remember(keychainKey, passphrase, 'passphrase');
        return key;
      }
    }
    this.skipped.push(`key ${file}: wrong passphrase ${passphraseTries} times`);
    return undefined;
  }

  /** The public half of a key: from its .pub file, or from the key itself when it is not encrypted. */
  private async publicKeyOf(file: string): Promise<ParsedKey | undefined> {
    const name = keychainKeyName(file);
    const candidates = name !== null ? [this.readSecret(sshKeySecret(name))] : [`${file}.pub`, file].map((f) => readFile(f).catch(() => null));
    for (const data of candidates) {
      const text = await data;
      const key = text !== null && ssh2.utils.parseKey(text);
      if (key && !(key instanceof Error)) return key;
    }
    return undefined;
  }

  private keyboardMethod(): AnyAuthMethod {
    return {
      type: 'keyboard-interactive',
      username: this.hop.user,
      prompt: (name: string, instructions: string, _lang: string, prompts: Ssh2Prompt[], finish: KeyboardInteractiveCallback) => {
        if (prompts.length === 0) {
          finish([]);
          return;
        }
        this.keyboardPrompted = true;
        this.keyboardQuestion = prompts.map((p) => p.prompt.trim()).join(' ');
        this.ask({
          kind: 'keyboard-interactive',
          title: name || `Login to ${this.who}`,
          instructions,
          questions: prompts.map((p) => ({ text: p.prompt, echo: p.echo === true })),
          canRemember: false,
        }).then(
          (reply) => finish(reply.answers),
          (err: unknown) => {
            this.fatal = err instanceof SshError ? err : this.promptFailed(err);
            this.ctx.abort();
          },
        );
      },
    };
  }

  private async storedPasswordMethod(): Promise<AnyAuthMethod | null> {
    const stored = await this.readSecret(this.passwordKey);
    if (stored === null) return null;
    this.lastPassword = { value: stored, fromKeychain: true, remember: false };
    return { type: 'password', username: this.hop.user, password: stored };
  }

  private async promptedPasswordMethod(): Promise<AnyAuthMethod> {
    const retry = this.passwordAttempts > 0;
    this.passwordAttempts++;
    const reply = await this.ask({
      kind: 'password',
      title: `Password for ${this.hop.user}@${this.hop.hostname}`,
      instructions: retry ? 'Permission denied, please try again.' : `Log in to ${this.who}.`,
      questions: [{ text: `${this.hop.user}@${this.hop.hostname}'s password:`, echo: false }],
      canRemember: true,
    });
    const password = reply.answers[0] ?? '';
    this.lastPassword = { value: password, fromKeychain: false, remember: reply.remember };
    return { type: 'password', username: this.hop.user, password };
  }

  /** The handler is called again after a password: it was refused, or accepted as one factor of several. */
  private async settlePassword(partialSuccess: boolean): Promise<void> {
    const last = this.lastPassword;
    this.lastPassword = undefined;
    if (!last) return;
    if (partialSuccess) {
      if (last.remember) this.toRemember = last.value;
      return;
    }
    if (last.fromKeychain) {
      this.ctx.log(`ssh: the password remembered for ${this.who} was refused; forgetting it`);
      await this.forget(this.passwordKey);
    }
  }

  private async ask(request: PromptRequest): Promise<PromptReply> {
    try {
      return await this.ctx.duringPrompt(this.ctx.prompter.ask(request, this.ctx.signal));
    } catch (err) {
      throw this.promptFailed(err);
    }
  }

  private promptFailed(err: unknown): SshError {
    return promptFailure(this.who, err, this.ctx.signal);
  }

  // The keychain is a convenience here: when it cannot be reached the user is asked instead, and the log says why.
  private async readSecret(key: string): Promise<string | null> {
    try {
      return await this.ctx.secrets.get(key);
    } catch (err) {
      this.ctx.log(`ssh: cannot read ${key} from the keychain: ${errorMessage(err)}`);
      return null;
    }
  }

  private async remember(key: string, value: string, what: string): Promise<void> {
    try {
      await this.ctx.secrets.set(key, value);
      this.ctx.log(`ssh: remembered the ${what} (${key}) in the keychain`);
    } catch (err) {
      this.ctx.log(`ssh: could not remember the ${what} (${key}) in the keychain: ${errorMessage(err)}`);
    }
  }

  private async forget(key: string): Promise<void> {
    await this.ctx.secrets.delete(key).catch((err: unknown) => {
      this.ctx.log(`ssh: could not delete ${key} from the keychain: ${errorMessage(err)}`);
    });
  }
}

/** An agent restricted to the configured identities, as IdentitiesOnly demands. */
class IdentitiesOnlyAgent extends ssh2.OpenSSHAgent {
  constructor(
    socket: string,
    private readonly allowed: Buffer[],
  ) {
    super(socket);
  }

  override getIdentities(cb: IdentityCallback<ParsedKey>): void {
    super.getIdentities((err, keys) => {
      cb(err, keys?.filter((key) => 'getPublicSSH' in key && this.allowed.some((allowed) => allowed.equals(key.getPublicSSH()))));
    });
  }
}

/** The KEY-cert.pub OpenSSH looks for beside a key file, unless CertificateFile names the certificates. */
function besideCertificate(file: string, certificateFiles: string[]): string | null {
  return certificateFiles.length === 0 && keychainKeyName(file) === null ? `${file}-cert.pub` : null;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

function readError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  return errorMessage(err);
}
