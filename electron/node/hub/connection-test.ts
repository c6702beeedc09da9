// "Test connection" in the systems settings: reach the host as a start would (same SSH pool, so passphrase,
// password and 2FA prompts reach the user the same way) and check that the Jupyter command is there, before anything
// is launched or even saved.
import type { ConnectionReport } from '../../../shared/api.js';
import type { SystemConfig } from '../../../shared/config.js';
import { testHubConnection } from '../jupyterhub/connection-test.js';
import { shellQuote } from '../ssh/shell-quote.js';
import { LocalHost } from '../spawners/local-host.js';
import type { ShellHost } from '../spawners/shell-spawner.js';
import { SshHost } from '../spawners/ssh-host.js';
import { sshTarget } from '../systems/ssh.js';
import type { SpawnerDeps } from '../systems/system-kind.js';

export async function testConnection(system: SystemConfig, deps: SpawnerDeps): Promise<ConnectionReport> {
  if (system.kind === 'jupyterhub') return testHubConnection(system, deps);
  const host = shellHost(system, deps);
  if (!host || !('cmd' in system)) return { ok: false, message: `hubtray cannot test a ${system.kind} system by itself yet; start a server on it to try it` };
  // The spawner's own default, so the test checks what a start would run.
  const command = typeof system.cmd === 'string' ? system.cmd : (system.cmd?.[0] ?? 'jupyter');
  try {
    const user = await host.username();
    const result = await host.run(`command -v -- ${shellQuote(command)} || echo HUBTRAY_MISSING\n`);
    const found = result.stdout.trim().split('\n').at(-1) ?? '';
    if (found === 'HUBTRAY_MISSING' || found === '') {
      return { ok: false, message: `Reached ${host.label} as ${user}, but "${command}" was not found there: set the command to its full path.` };
    }
    return { ok: true, message: `Reached ${host.label} as ${user}; ${command} is ${found}.` };
  } catch (error) {
    return { ok: false, message: `Could not reach ${host.label}: ${(error as Error).message}` };
  }
}

/** The shell a start would use; null for kinds that start servers through an API rather than a shell. */
function shellHost(system: SystemConfig, deps: SpawnerDeps): ShellHost | null {
  switch (system.kind) {
    case 'local':
      return new LocalHost(deps.runRoot);
    case 'ssh':
      return new SshHost(deps.pool, sshTarget(system));
    default:
      return null;
  }
}
