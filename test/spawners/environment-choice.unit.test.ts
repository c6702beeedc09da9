// What the scan's output says and what a chosen environment runs: the server cmd names, by the environment's python.
import { describe, expect, it } from 'vitest';
import { SshSystem } from '../../shared/config.js';
import { commandInEnvironment, inEnvironment } from '../../electron/core/shell-spawner/environment-choice.js';
import { withEnvironments } from '../../electron/core/shell-spawner/environment-form.js';
import { parseEnvironmentScan } from '../../electron/core/shell-spawner/environment-scan.js';
import { withSettingDefaults } from '../../electron/core/batch/live-form.js';

describe('the environment scan’s output', () => {
  it('reads environments and modules, leaving out what it cannot use', () => {
    const out = [
      'ENV\tconda\tjupyterlab jupyter_server\t/opt/conda/envs/lab',
      'ENV\tvenv\t\t/home/me/envs/bare',
      'ENV\tvenv\tjupyter_server\t/home/me/envs/with\ttab',
      'ENV\tvenv\tjupyterlab\trelative/path',
      'ENV\tconda\tjupyterlab\t/opt/conda/envs/lab',
      'MODULE\tJupyterLab/4.2.0-GCCcore-13.2.0(default)',
      'MODULE\tjupyter/4 (D)',
      'MODULE\tjupyter; rm -rf ~',
      'ENV\tvenv\tjupyterlab\t/cut/off/mid',
    ].join('\n');
    expect(parseEnvironmentScan(out)).toEqual({
      environments: [
        { kind: 'conda', prefix: '/opt/conda/envs/lab', servers: ['jupyterlab', 'jupyter_server'] },
        { kind: 'venv', prefix: '/home/me/envs/bare', servers: [] },
        { kind: 'venv', prefix: '/home/me/envs/with\ttab', servers: ['jupyter_server'] },
        { kind: 'venv', prefix: '/cut/off/mid', servers: ['jupyterlab'] },
      ],
      modules: ['JupyterLab/4.2.0-GCCcore-13.2.0', 'jupyter/4'],
    });
  });
});

describe('a chosen environment', () => {
  it('runs the server cmd names with the environment’s python, keeping its arguments', () => {
    expect(commandInEnvironment('/e', ['jupyter', 'lab', '--debug'])).toEqual(['/e/bin/python', '-m', 'jupyterlab', '--debug']);
    expect(commandInEnvironment('/e', ['/usr/bin/jupyter-server'])).toEqual(['/e/bin/python', '-m', 'jupyter_server']);
    expect(commandInEnvironment('/e', ['jupyterhub-singleuser', '--x'])).toEqual(['/e/bin/jupyterhub-singleuser', '--x']);
  });

  it('leaves the settings alone when none is chosen, and refuses a module name that is shell code', () => {
    const config = SshSystem.parse({ kind: 'ssh', host: 'h' });
    expect(inEnvironment(config)).toBe(config);
    expect(SshSystem.safeParse({ kind: 'ssh', host: 'h', python_environment: 'module:a;b' }).error?.issues[0]?.message).toBe(
      'a Python environment is the absolute path of a conda environment or virtualenv, or module:NAME',
    );
  });
});

describe('the live form', () => {
  it('keeps a configured environment the host did not list as a choice, and the field as text when nothing was found', () => {
    const config = SshSystem.parse({ kind: 'ssh', host: 'h', python_environment: '/opt/elsewhere' });
    const found = { environments: [{ kind: 'venv' as const, prefix: '/e', servers: ['jupyterlab' as const] }], modules: [] };
    expect(withEnvironments(withSettingDefaults(config), found, config).fields[0]).toMatchObject({
      type: 'select',
      default: '/opt/elsewhere',
      choices: [{ value: '', label: 'as configured (jupyter lab)' }, { value: '/e', label: 'virtualenv /e' }, { value: '/opt/elsewhere', label: '/opt/elsewhere (configured)' }],
    });
    expect(withEnvironments(withSettingDefaults(config), null, config).fields[0]).toMatchObject({ type: 'text', default: '/opt/elsewhere' });
  });
});
