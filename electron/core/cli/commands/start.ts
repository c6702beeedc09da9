import { randomUUID } from 'node:crypto';
import { type MethodArgs, type Prompt, type ServerInfo } from '../../../../shared/api.js';
import { errorMessage } from '../../../../shared/error-message.js';
import { formDataFromPairs, OptionsError } from '../../../../shared/forms.js';
import type { HubClient } from '../../api-client/client.js';
import { parseCommand, UsageError } from '../command.js';
import { printable, printJson } from '../format.js';
import { progressView } from '../progress-view.js';
import { ServerFollower, subscribeFollower } from '../server-follower.js';
import { TerminalPrompts } from '../terminal-prompts.js';
import { isInteractive } from '../terminal-question.js';
import { withHub } from '../with-hub.js';

export async function run(argv: string[]): Promise<number> {
  const { values, args: [system] } = parseCommand(
    argv,
    { name: { type: 'string' }, option: { type: 'string', short: 'o', multiple: true }, json: { type: 'boolean' } },
    ['SYSTEM'],
  );
  // Lets the client send the start again after a broken connection without starting a second server.
  const args: MethodArgs<'start'> = { system, name: values.name, requestId: randomUUID() };
  // Without -o the hub uses the options this system was last started with.
  if (values.option?.length) args.formData = formData(values.option);
  return withHub((hub) => startAndFollow(hub, args, values.json ?? false));
}

function formData(pairs: string[]): Record<string, string[]> {
  try {
    return formDataFromPairs(pairs);
  } catch (error) {
    if (error instanceof OptionsError) throw new UsageError(error.message);
    throw error;
  }
}

async function startAndFollow(hub: HubClient, args: MethodArgs<'start'>, json: boolean): Promise<number> {
  const progress = progressView(process.stderr);
  const prompts = isInteractive() ? new TerminalPrompts(hub, () => progress.clear()) : null;
  const follower = new ServerFollower(['running', 'failed', 'cancelled', 'stopped'], (event) => progress.update(event));
  await subscribeFollower(hub, follower, (event) => {
    if (event.event === 'prompt') {
      if (prompts) prompts.ask(event.data);
      else noteUnanswered(event.data);
    } else if (event.event === 'promptClosed') {
      prompts?.closed(event.data.id);
    }
  });
  const interrupt = onInterrupt();
  const starting = hub.start(args);
  try {
    const outcome = await Promise.race([starting.then((info) => follower.follow(info)), interrupt.happened]);
    progress.end();
    if (outcome === 'interrupted') {
      await cancelStart(hub, starting);
      return 130;
    }
    return await report(hub, outcome, json);
  } finally {
    progress.end();
    prompts?.dispose();
    interrupt.dispose();
  }
}

async function report(hub: HubClient, info: ServerInfo, json: boolean): Promise<number> {
  if (info.status !== 'running') {
    process.stderr.write(`hubtray: ${info.name} ${info.status}: ${printable(info.reason ?? 'no reason given')}\n`);
    return 1;
  }
  const { url } = await hub.open({ name: info.name });
  if (json) printJson({ name: info.name, system: info.system, status: info.status, url });
  else process.stdout.write(`${url}\n`);
  return 0;
}

/** The first Ctrl-C cancels the start; a second one leaves at once. */
function onInterrupt(): { happened: Promise<'interrupted'>; dispose(): void } {
  let interrupted = false;
  let resolve!: (value: 'interrupted') => void;
  const happened = new Promise<'interrupted'>((r) => (resolve = r));
  const handler = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    resolve('interrupted');
  };
  process.on('SIGINT', handler);
  return { happened, dispose: () => process.off('SIGINT', handler) };
}

async function cancelStart(hub: HubClient, starting: Promise<ServerInfo>): Promise<void> {
  const info = await starting.catch(() => null);
  if (!info) return;
  try {
    await hub.cancel({ name: info.name });
    process.stderr.write(`hubtray: cancelled the start of ${info.name}\n`);
  } catch (error) {
    process.stderr.write(`hubtray: could not cancel ${info.name}: ${errorMessage(error)}\n`);
  }
}

function noteUnanswered(prompt: Prompt): void {
  process.stderr.write(`hubtray: "${printable(prompt.title)}" needs an answer: give it in the tray app, or run this command on a terminal\n`);
}
