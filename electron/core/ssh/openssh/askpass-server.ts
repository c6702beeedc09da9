// The other end of the askpass helper: a request FIFO (mode 0600, in the control folder) for one master's login.
// Each question OpenSSH asks (a passphrase, a password, a 2FA code) goes to the Prompter, as ssh2's logins do; the
// confirmation of a new host's key is answered as hubtray answers it (recorded on first use). The answer goes back
// through the helper's own reply FIFO.
import { AsyncResource } from 'node:async_hooks';
import { execFile } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { constants, open as openFd } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { PromptRequest, Prompter } from '../../prompts/prompter.js';
import { promptFailure } from '../prompt-failure.js';
import { errorMessage, type SshError } from '../ssh-error.js';

const run = promisify(execFile);
/** The hex of a question: OpenSSH's prompts are a few hundred characters; a server's may be longer, and are cut. */
const maxRequestChars = 64 * 1024;
/** The helper opens its reply FIFO right after asking; one that died meanwhile is given up after this. */
const replyOpenMs = 5000;
/** What the server (or a key's comment) puts in a prompt reaches the UI: bounded, without control characters. */
const maxPromptChars = 500;

export interface AskpassContext {
  prompter: Prompter;
  signal: AbortSignal;
  /** user@host:port, for titles. */
  who: string;
  /** A person is answering: the login's deadline stands still meanwhile. */
  duringPrompt: <T>(work: Promise<T>) => Promise<T>;
  /**
   * A question got no answer (cancelled, timed out): the login must end with that, not go on to OpenSSH's next try
   * and a "Permission denied" that hides why.
   */
  unanswered: (error: SshError) => void;
  log: (line: string) => void;
}

interface Request {
  /** The helper's reply FIFO, in the same folder. */
  reply: string;
  prompt: string;
  /** SSH_ASKPASS_PROMPT: 'confirm' for a yes/no question of ssh-agent's, 'none' for a notice (touch your security key). */
  kind: string;
}

export class AskpassServer {
  private readonly token = randomBytes(32);

  private constructor(
    private readonly fifo: string,
    private readonly requests: net.Socket,
    private readonly context: AskpassContext,
  ) {
    // Questions are asked in the async context of the login that opened this server, as ssh2's are: a prompt then
    // belongs to the start that waits for the login (the prompt broker's askingFor), and closes when it is cancelled.
    createInterface({ input: requests, crlfDelay: Infinity }).on('line', AsyncResource.bind((line: string) => this.serve(line)));
    requests.on('error', (err) => context.log(`ssh: ${context.who}: the askpass FIFO failed: ${err.message}`));
  }

  static async open(fifo: string, askpass: string, context: AskpassContext): Promise<{ server: AskpassServer; env: Record<string, string> }> {
    await run('mkfifo', ['-m', '600', fifo]);
    // Open for reading and writing, so that it never sees an end between two helpers; non-blocking, for the event loop.
    // A bare descriptor: the socket owns it and closes it.
    const fd = await promisify(openFd)(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    const requests = new net.Socket({ fd, readable: true, writable: false });
    const server = new AskpassServer(fifo, requests, context);
    const env = {
      SSH_ASKPASS: askpass,
      // Without a terminal and without DISPLAY, OpenSSH would not ask at all.
      SSH_ASKPASS_REQUIRE: 'force',
      HUBTRAY_ASKPASS_FIFO: fifo,
      HUBTRAY_ASKPASS_TOKEN: server.token.toString('hex'),
    };
    return { server, env };
  }

  async close(): Promise<void> {
    this.requests.destroy();
    await rm(this.fifo, { force: true });
  }

  private serve(line: string): void {
    const request = this.parse(line);
    if (!request) return;
    this.answer(request).then(
      (answer) => this.reply(request.reply, `ok\n${answer}\n`),
      (err: unknown) => {
        this.context.log(`ssh: ${this.context.who}: a question of OpenSSH was not answered: ${errorMessage(err)}`);
        this.context.unanswered(promptFailure(this.context.who, err, this.context.signal));
        return this.reply(request.reply, 'no\n');
      },
    );
  }

  private parse(line: string): Request | undefined {
    const [token = '', reply = '', hex = ''] = line.split(' ');
    const given = Buffer.from(token, 'hex');
    if (given.length !== this.token.length || !timingSafeEqual(given, this.token)) return undefined;
    if (!/^reply\.[A-Za-z0-9]+$/.test(reply) || !/^(?:[0-9a-f]{2})*$/.test(hex)) return undefined;
    const text = Buffer.from(hex.slice(0, maxRequestChars), 'hex').toString('utf8');
    const colon = text.indexOf(':');
    return { reply: path.join(path.dirname(this.fifo), reply), kind: text.slice(0, colon), prompt: shown(text.slice(colon + 1)) };
  }

  /** Writes to the helper's reply FIFO once it is there to read it (a non-blocking open fails until then). */
  private async reply(fifo: string, text: string): Promise<void> {
    const until = performance.now() + replyOpenMs;
    for (;;) {
      try {
        const handle = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
        try {
          await handle.write(text);
        } finally {
          await handle.close();
        }
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENXIO' || performance.now() > until) {
          this.context.log(`ssh: ${this.context.who}: could not answer the askpass helper: ${errorMessage(err)}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }

  private async answer({ prompt, kind }: Request): Promise<string> {
    const { who, log } = this.context;
    if (kind === 'none') {
      // A notice while OpenSSH waits for something else, such as a touch of a security key.
      log(`ssh: ${who}: ${prompt}`);
      return '';
    }
    // OpenSSH's own words (a server's questions come prefixed with "(user@host)"), with no SSH_ASKPASS_PROMPT.
    if (/^The authenticity of host '[^']*' can't be established\./.test(prompt) && /continue connecting \(yes\/no/.test(prompt)) {
      // As hubtray's own client does (accept-new): a host's first key is recorded; a changed one never asks.
      log(`ssh: ${who}: recording the host key of a host seen for the first time`);
      return 'yes';
    }
    const reply = await this.context.duringPrompt(this.context.prompter.ask(request(prompt, kind, who), this.context.signal));
    return reply.answers[0] ?? '';
  }
}

function request(prompt: string, kind: string, who: string): PromptRequest {
  const questions = [{ text: prompt, echo: false }];
  // OpenSSH's question for a PKCS#11 token (PKCS11Provider): "Enter PIN for 'LABEL':". The token asks, not the server.
  if (/^Enter PIN for '/.test(prompt) && kind !== 'confirm') {
    return { kind: 'passphrase', title: `PIN for ${who}`, instructions: `The token's PIN unlocks its key, to log in to ${who}.`, questions, canRemember: false };
  }
  if (/passphrase/i.test(prompt)) {
    return { kind: 'passphrase', title: `Passphrase for ${who}`, instructions: `A key is needed to log in to ${who}.`, questions, canRemember: false };
  }
  if (/password/i.test(prompt) && kind !== 'confirm') {
    return { kind: 'password', title: `Password for ${who}`, instructions: `Log in to ${who}.`, questions, canRemember: false };
  }
  const instructions = kind === 'confirm' ? `OpenSSH asks, for the login to ${who}; answer yes or no.` : `The login to ${who} asks:`;
  return { kind: 'keyboard-interactive', title: `Login to ${who}`, instructions, questions: [{ text: prompt, echo: kind === 'confirm' }], canRemember: false };
}

function shown(text: string): string {
  // eslint-disable-next-line no-control-regex
  const printable = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim();
  return printable.length > maxPromptChars ? `${printable.slice(0, maxPromptChars)}…` : printable;
}
