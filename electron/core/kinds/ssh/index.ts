// `ssh`: a server on an SSH host, detached there and reached through a tunnel.
import type { SshSystemConfig } from '../../../../shared/config.js';
import { withSettingDefaults } from '../../batch/live-form.js';
import { sshTarget } from '../../ssh/ssh-target.js';
import { testShellHost } from '../../shell-spawner/command-check.js';
import { inEnvironment } from '../../shell-spawner/environment-choice.js';
import { sshHostEnvironments, withEnvironments } from '../../shell-spawner/environment-form.js';
import { hostKeyReport } from '../../shell-spawner/host-key-report.js';
import { ShellSpawner } from '../../shell-spawner/shell-spawner.js';
import { SshHost } from './ssh-host.js';
import type { SystemKindModule } from '../../spawner/kind-module.js';

export const kind: SystemKindModule<SshSystemConfig> = {
  spawner: (config, { pool }) => new ShellSpawner(inEnvironment(config), new SshHost(pool, sshTarget(config)), pool),
  async liveForm(config, { pool }) {
    const target = sshTarget(config);
    // Only over a connection a start or a test already made: listing systems logs in to no host by itself.
    const found = await sshHostEnvironments(pool, target, config.environment_folders, pool.isConnected(target));
    return withEnvironments(withSettingDefaults(config), found, config);
  },
  testConnection: (config, { pool }) =>
    testShellHost(new SshHost(pool, sshTarget(config)), config, { connection: () => hostKeyReport(sshTarget(config)) }),
};
