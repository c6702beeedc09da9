// `hubtray systems` on a machine where nobody has started a hub yet (a fresh install, a config being written by
// hand), and with one running: a select's choices are shown either way, and a bad config.json is refused by name.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeHome, runCli, startServe } from '../fixtures/hubtray-process.js';

const config = {
  systems: {
    big: {
      kind: 'local',
      cmd: ['jupyter', 'lab'],
      description: 'the big one',
      options_form: {
        fields: [
          { name: 'dir', label: 'Folder', type: 'text', default: '~' },
          { name: 'mem', label: 'Memory', type: 'select', choices: [{ value: '4G' }, { value: '16G' }] },
          { name: 'note', type: 'text' },
        ],
      },
    },
  },
};
const homes: string[] = [];
afterAll(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

function home(value: unknown): string {
  const made = makeHome(value);
  homes.push(made);
  return made;
}

describe('hubtray systems', () => {
  it('reads config.json when no hub runs, shows a select’s choices, and says that no hub runs', async () => {
    const dir = home(config);
    const result = await runCli(dir, ['systems']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^NAME\s+KIND\s+OPTIONS \(-o KEY=VALUE\)\s+DESCRIPTION\n/);
    expect(result.stdout).toMatch(/^big\s+local\s+dir=~ mem=4G\|16G note\s+the big one$/m);
    expect(result.stderr).toBe(`hubtray: no hub is running; these are the systems of ${join(dir, 'config.json')}, with the options configured there (a running hub may offer more)\n`);

    const json = await runCli(dir, ['systems', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([{ name: 'big', kind: 'local', description: 'the big one', form: config.systems.big.options_form }]);
  });

  it('refuses a config.json with a mistake, naming the file and the setting, when no hub runs', async () => {
    const dir = home({});
    writeFileSync(join(dir, 'config.json'), '{ "systems": { "big": { "kind": "local", "memory": "4G" } } }');
    const result = await runCli(dir, ['systems']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^hubtray: ${join(dir, 'config.json').replace(/[.]/g, '\\.')}: systems\\.big.*"memory"`));
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('asks the running hub when one runs, with the same choices and no note', async () => {
    const dir = home(config);
    const serve = await startServe(dir);
    try {
      const result = await runCli(dir, ['systems']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^big\s+local\s+dir=~ mem=4G\|16G note\s+the big one$/m);
      const json = JSON.parse((await runCli(dir, ['systems', '--json'])).stdout) as { name: string; lastOptions: unknown }[];
      expect(json[0]).toMatchObject({ name: 'big', lastOptions: {} });
    } finally {
      await serve.stop();
    }
  });
});
