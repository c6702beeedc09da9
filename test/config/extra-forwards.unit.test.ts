// config.json's extra_forwards: what a person mistypes (a port out of range, a name used twice, one local port for
// two forwards) is refused with the setting's path and the cause, and the kinds without an SSH path have no such setting.
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../electron/core/config/load-config.js';

const withForwards = (kind: 'ssh' | 'slurm' | 'local', extra_forwards: unknown) =>
  JSON.stringify({ systems: { gpu: { kind, ...(kind === 'local' ? {} : { host: 'h' }), extra_forwards } } });
const refusal = (text: string): string => {
  try {
    parseConfigText(text, 'config.json');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the config was accepted');
};

describe('extra_forwards in config.json', () => {
  it('takes a list of named remote ports for ssh and slurm, with local_port 0 (a free one) by default', () => {
    for (const kind of ['ssh', 'slurm'] as const) {
      const config = parseConfigText(withForwards(kind, [{ name: 'dask', remote_port: 8787 }]), 'config.json') as {
        systems: Record<string, { extra_forwards: unknown }>;
      };
      expect(config.systems.gpu?.extra_forwards).toEqual([{ name: 'dask', remote_port: 8787, local_port: 0 }]);
    }
  });

  it('refuses ports out of range, names used twice, and one local port for two forwards, in words', () => {
    expect(refusal(withForwards('ssh', [{ name: 'dask', remote_port: 70000 }]))).toContain('systems.gpu.extra_forwards[0].remote_port: must be between 1 and 65535');
    expect(refusal(withForwards('ssh', [{ name: 'dask', remote_port: 1, local_port: -1 }]))).toContain('must be 0 for a free port, or between 1 and 65535');
    expect(refusal(withForwards('ssh', [{ name: '8787', remote_port: 1 }]))).toContain('a forward name is 1-32 letters, digits, ".", "_" or "-", starting with a letter');
    expect(refusal(withForwards('slurm', [{ name: 'a', remote_port: 1 }, { name: 'a', remote_port: 2 }]))).toContain('two forwards are named "a"; each needs a name of its own');
    expect(refusal(withForwards('ssh', [{ name: 'a', remote_port: 1, local_port: 9000 }, { name: 'b', remote_port: 2, local_port: 9000 }]))).toContain(
      'local port 9000 is given to two forwards',
    );
    expect(refusal(withForwards('local', []))).toMatch(/extra_forwards/);
  });
});
