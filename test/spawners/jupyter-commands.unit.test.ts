// A missing Jupyter command, said as a person would: the cause in one line, naming the servers the host has, and
// the setting (by its form label) to change.
import { describe, expect, it } from 'vitest';
import { cmdAdvice, missingCommandCause, productOf, shownCommand, spokenCommand } from '../../electron/core/shell-spawner/jupyter-commands.js';

describe('a missing Jupyter command', () => {
  it('names what is missing and what is there instead, in the words of the issue', () => {
    const cause = missingCommandCause({ host: 'ssh host gpubox', command: 'jupyter lab', found: ['/usr/bin/jupyter-server', '/usr/bin/jupyter-notebook'] });
    expect(cause).toBe('JupyterLab is not installed on ssh host gpubox: `jupyter lab` is not a command there; `jupyter server` and `jupyter notebook` are.');
  });

  it('counts a server found twice (on PATH and in ~/.local/bin) once, and says "is" for one', () => {
    const cause = missingCommandCause({ host: 'this computer', command: 'jupyter lab', found: ['/usr/bin/jupyter-server', '/root/.local/bin/jupyter-server'] });
    expect(cause).toBe('JupyterLab is not installed on this computer: `jupyter lab` is not a command there; `jupyter server` is.');
  });

  it('says when no Jupyter server is there at all, and what to install', () => {
    expect(missingCommandCause({ host: 'ssh host bare', command: 'jupyter notebook', found: [] })).toBe(
      'Jupyter Notebook is not installed on ssh host bare: `jupyter notebook` is not a command there; no other Jupyter server is there either.',
    );
    expect(cmdAdvice([])).toMatch(/^Looked for jupyter-lab, jupyter-server, jupyter-notebook on PATH and in .*: install JupyterLab there \(e\.g\. pip install --user jupyterlab\), or set Jupyter command \[cmd\] to its full path\.$/);
  });

  it('tells a command that is installed but off the PATH from one that is missing', () => {
    expect(missingCommandCause({ host: 'ssh host hpc', command: 'jupyter lab', found: ['/home/me/miniconda3/bin/jupyter-lab'] })).toBe(
      '`jupyter lab` is not a command on ssh host hpc, but /home/me/miniconda3/bin/jupyter-lab is (off the PATH of a non-login shell).',
    );
  });

  it('names a command of the user’s own as it is, without a product', () => {
    expect(missingCommandCause({ host: 'ssh host lab', command: 'my-lab', found: ['/usr/bin/jupyter-server'] })).toBe('`my-lab` is not a command on ssh host lab; `jupyter server` is.');
  });

  it('offers the best server there as the Jupyter command [cmd] to set, JupyterLab before the others', () => {
    expect(cmdAdvice(['/usr/bin/jupyter-notebook', '/opt/conda/bin/jupyter-lab'])).toBe(
      'To use `jupyter lab`, set Jupyter command [cmd] to ["/opt/conda/bin/jupyter-lab"]; or install JupyterLab there (e.g. pip install --user jupyterlab).',
    );
  });

  it('reads commands as people say them', () => {
    expect(shownCommand(['/usr/bin/jupyter', 'lab', '--debug'])).toEqual(['/usr/bin/jupyter', 'lab']);
    expect(shownCommand(['jupyter', '--version'])).toEqual(['jupyter']);
    expect(spokenCommand('/usr/bin/jupyter-lab')).toBe('jupyter lab');
    expect(spokenCommand('/usr/bin/jupyter lab')).toBe('jupyter lab');
    expect(productOf('jupyter-server')).toBe('Jupyter Server');
    expect(productOf('jupyter')).toBe('Jupyter');
    expect(productOf('/bin/sh')).toBeNull();
  });
});
