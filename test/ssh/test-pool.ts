// SshPools for tests: the stand-in keychain and a scripted person, no ssh-agent unless asked, OpenSSH's control
// sockets in the test's own folder, and one place that closes every pool a test made.
import path from 'node:path';
import { SshPool } from '../../electron/core/ssh/ssh-pool.js';
import type { ClientConfig } from '../../testkit/sshd.js';
import { InMemorySecretStoreForTests, ScriptedPrompter, type ScriptedAnswer } from './doubles.js';

export interface TestPoolOptions {
  secrets?: InMemorySecretStoreForTests;
  script?: ScriptedAnswer[];
  agentSocket?: string;
  log?: (line: string) => void;
}

const open: SshPool[] = [];

export function testPool(config: ClientConfig, options: TestPoolOptions = {}) {
  const prompter = new ScriptedPrompter(options.script ?? []);
  const secrets = options.secrets ?? new InMemorySecretStoreForTests();
  const pool = new SshPool({
    prompter,
    secrets,
    sshConfigPath: config.configPath,
    agentSocket: options.agentSocket ?? '',
    // OpenSSH masters keep their sockets beside the test's ssh config, not in a HUBTRAY_HOME of the machine's.
    controlDir: path.join(config.dir, 'ssh'),
    ...(options.log ? { log: options.log } : {}),
  });
  open.push(pool);
  return { pool, prompter, secrets };
}

export async function closeTestPools(): Promise<void> {
  await Promise.all(open.splice(0).map((pool) => pool.close()));
}
