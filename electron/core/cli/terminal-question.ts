// One question on the terminal (stderr, so that stdout stays clean for results), with typing hidden for
// passwords and passphrases.
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';

export function isInteractive(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/** Rejects with an AbortError when `signal` fires; Ctrl-C while asking is the same as Ctrl-C anywhere else. */
export async function askLine(question: string, hidden: boolean, signal?: AbortSignal): Promise<string> {
  const output = process.stderr;
  if (hidden) output.write(question);
  // readline echoes what is typed into its output; for a hidden answer that output goes nowhere.
  const sink = hidden ? new Writable({ write: (_chunk, _encoding, done) => done() }) : output;
  const rl = createInterface({ input: process.stdin, output: sink, terminal: true });
  rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
  try {
    return await rl.question(hidden ? '' : question, signal ? { signal } : {});
  } finally {
    rl.close();
    if (hidden) output.write('\n');
  }
}
