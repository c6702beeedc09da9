// A chain logged in to without a pool or a link, from HostSettings a test changes (one ProxyCommand per test)
// without writing an ssh config for each; the keychain stand-in and a scripted person as in testPool.
import { expect } from 'vitest';
import { openConnection, type Ssh2Connection } from '../../electron/core/ssh/connection.js';
import { runCommand } from '../../electron/core/ssh/exec.js';
import { resolveChain, type HostSettings } from '../../electron/core/ssh/ssh-config.js';
import { SshError } from '../../electron/core/ssh/ssh-error.js';
import { sshTarget, type ClientConfig } from '../../testkit/sshd.js';
import { InMemorySecretStoreForTests, ScriptedPrompter, type ScriptedAnswer } from './doubles.js';

/** The chain for `alias` in `config`, each hop with `changes`. */
export async function hopsTo(config: ClientConfig, alias: string, changes: Partial<HostSettings> = {}): Promise<HostSettings[]> {
  return (await resolveChain(sshTarget(alias), config.configPath)).map((hop) => ({ ...hop, ...changes }));
}

export interface DirectOptions {
  log?: string[];
  script?: ScriptedAnswer[];
  connectTimeoutMs?: number;
  signal?: AbortSignal;
}

export function connectDirect(chain: HostSettings[], options: DirectOptions = {}): Promise<Ssh2Connection> {
  return openConnection(chain, {
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    keepaliveIntervalMs: 5000,
    keepaliveCountMax: 3,
    auth: {
      prompter: new ScriptedPrompter(options.script ?? []),
      secrets: new InMemorySecretStoreForTests(),
      agentSocket: '',
      log: (line) => options.log?.push(line),
      signal: options.signal ?? new AbortController().signal,
    },
  });
}

/** Runs `command` on the connection's target; resolves with its stdout. */
export async function run(connection: Ssh2Connection, command: string): Promise<string> {
  return (await runCommand(connection, command, undefined, new AbortController().signal)).stdout;
}

/** The SshError `work` fails with; the test fails if it succeeds or fails otherwise. */
export async function sshFailure(work: Promise<unknown>): Promise<SshError> {
  const error = await work.then(
    () => new Error('expected a failure'),
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SshError);
  return error as SshError;
}
