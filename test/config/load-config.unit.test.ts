import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ConfigError, type HubConfig } from '../../shared/config.js';
import { THIS_COMPUTER, withEmbeddedDefault } from '../../electron/core/config/embedded-default.js';
import { loadConfig, parseConfigText, saveConfig, saveConfigText } from '../../electron/core/config/load-config.js';

const noJupyter = (): null => null;
const jupyterAt = (command: string): string | null => (command === 'jupyter' ? '/usr/bin/jupyter' : null);
const minimalSsh: z.input<typeof HubConfig> = { systems: { NAME: { kind: 'ssh', host: 'h', cmd: ['jupyter', 'lab'], args: [] } } };

describe('loadConfig', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hubtray-config-'));
    file = join(dir, 'config.json');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const loadText = async (text: string): Promise<unknown> => {
    await writeFile(file, text);
    return loadConfig(file, { which: noJupyter });
  };

  it('treats a missing file as an empty config with defaults', async () => {
    expect(await loadConfig(file, { which: noJupyter })).toEqual({ systems: {}, prompt_timeout: 120 });
  });

  it('treats an empty file, or one with a byte order mark, like any other', async () => {
    expect(await loadText(' \n')).toEqual({ systems: {}, prompt_timeout: 120 });
    expect(await loadText(`\uFEFF${JSON.stringify({ prompt_timeout: 30 })}`)).toEqual({ systems: {}, prompt_timeout: 30 });
  });

  it('reads the minimal ssh system and fills in the seeds’ defaults', async () => {
    const config = (await loadText(JSON.stringify(minimalSsh))) as { systems: Record<string, Record<string, unknown>> };
    expect(config.systems.NAME).toMatchObject({
      kind: 'ssh',
      host: 'h',
      cmd: ['jupyter', 'lab'],
      args: [],
      environment: {},
      start_timeout: 60,
      http_timeout: 30,
      poll_interval: 30,
      poll_jitter: 0.1,
      interrupt_timeout: 10,
      term_timeout: 5,
      kill_timeout: 5,
      connect_timeout: 15,
      // hubtray's one field out of the box: the host's Python environments, which the live form lists.
      options_form: { fields: [{ name: 'python_environment', type: 'text' }] },
      apply_user_options: { python_environment: 'python_environment' },
      python_environment: '',
      environment_folders: [],
    });
    expect(config.systems.NAME?.env_keep).toContain('PATH');
  });

  it('reads comments and trailing commas, as in VS Code settings files', async () => {
    const text = '{\n  // the cluster\n  "systems": {\n    "NAME": {"kind": "ssh", "host": "h", /* as ~/.ssh/config has it */},\n  },\n}\n';
    const config = (await loadText(text)) as HubConfig;
    expect(config.systems.NAME).toMatchObject({ kind: 'ssh', host: 'h' });
  });

  it('reports a JSON syntax error with its line and column', async () => {
    const text = '{\n  "systems": {\n    "a": {"kind": "ssh" "host": "h"}\n  }\n}';
    const error = await loadText(text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(`${file}: not valid JSON at line 3, column 25: expected ',' or '}', but found the string "host"`);
  });

  it('refuses a file that holds something other than one object', async () => {
    const error = await loadText('[{"systems": {}}]\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(`${file}: expected the settings as one object, { … }, but the file holds an array`);
  });

  it.each([
    ['{"systems": {"X": {"kind": "ssh", "host": "h", "start_timeout": -1}}}', 'systems.X.start_timeout: must be a number of seconds above 0'],
    ['{"systems": {"X": {"kind": "ssh", "host": "h", "start_timeout": "soon"}}}', 'systems.X.start_timeout: must be a number, not text'],
    ['{"systems": {"X": {"kind": "ssh", "host": "h", "start_timout": 5}}}', 'systems.X: unknown setting "start_timout" (did you mean start_timeout?)'],
    ['{"systems": {"X": {"kind": "ssh", "host": "h; rm -rf /"}}}', 'systems.X.host: a host is an ssh config alias or a host name'],
    ['{"systems": {"X": {"kind": "pbs"}}}', 'systems.X.kind: must be one of'],
  ])('names the bad setting and says why: %s', async (text, message) => {
    const error = await loadText(text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`${file}: ${message}`);
  });

  it('passes on a read error other than a missing file', async () => {
    await expect(loadConfig(dir, { which: noJupyter })).rejects.toThrow(/EISDIR/);
  });

  describe('the embedded "This computer" system', () => {
    it('is offered when nothing is configured and jupyter is on PATH', async () => {
      const config = await loadConfig(file, { which: jupyterAt });
      expect(Object.keys(config.systems)).toEqual([THIS_COMPUTER]);
      expect(config.systems[THIS_COMPUTER]).toMatchObject({ kind: 'local', start_timeout: 60 });
    });

    it('is not offered without jupyter', async () => {
      expect((await loadConfig(file, { which: noJupyter })).systems).toEqual({});
    });

    it('is not offered when systems are configured', async () => {
      await writeFile(file, JSON.stringify(minimalSsh));
      expect(Object.keys((await loadConfig(file, { which: jupyterAt })).systems)).toEqual(['NAME']);
    });

    it('is a pure function of the config and the lookup', () => {
      const empty = parseConfigText('{}', 'config.json');
      const asked: string[] = [];
      const which = (command: string): string | null => (asked.push(command), null);
      expect(withEmbeddedDefault(empty, which)).toBe(empty);
      expect(asked).toEqual(['jupyter']);
    });

    it('runs JupyterLab where it is installed, else the Jupyter server that is, with --allow-root only as root', () => {
      const empty = parseConfigText('{}', 'config.json');
      const having = (...commands: string[]) => (command: string) => (commands.includes(command) ? `/usr/bin/${command}` : null);
      const lab = withEmbeddedDefault(empty, having('jupyter', 'jupyter-lab'), false).systems[THIS_COMPUTER];
      expect(lab).toMatchObject({ cmd: ['jupyter', 'lab'], args: [] });
      const server = withEmbeddedDefault(empty, having('jupyter', 'jupyter-server'), true).systems[THIS_COMPUTER];
      expect(server).toMatchObject({ cmd: ['jupyter', 'server'], args: ['--allow-root'] });
      expect(withEmbeddedDefault(empty, having('jupyter'), false).systems[THIS_COMPUTER]).toMatchObject({ cmd: ['jupyter', 'notebook'] });
    });
  });

  describe('saveConfigText', () => {
    it('writes the text as it is (0600), comments and all, which loads back', async () => {
      const text = '// mine\n{\n  "systems": {\n    "NAME": { "kind": "ssh", "host": "h", }, // the only one\n  },\n}\n';
      await saveConfigText(file, text);
      expect(await readFile(file, 'utf8')).toBe(text);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(Object.keys((await loadConfig(file, { which: noJupyter })).systems)).toEqual(['NAME']);
    });

    it('refuses a text that would not load, and leaves the file alone', async () => {
      await saveConfigText(file, '{}\n');
      await expect(saveConfigText(file, '{"systems": {"NAME": {"kind": "ssh", "host": "h", "poll_interval": 0}}}')).rejects.toThrow(/systems\.NAME\.poll_interval/);
      await expect(saveConfigText(file, '{"systems": {,}}')).rejects.toThrow(/line 1, column 14/);
      expect(await readFile(file, 'utf8')).toBe('{}\n');
    });
  });

  describe('saveConfig', () => {
    it('writes the config as given (0600), which loads back', async () => {
      await saveConfig(file, minimalSsh);
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(minimalSsh);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(Object.keys((await loadConfig(file, { which: noJupyter })).systems)).toEqual(['NAME']);
    });

    it('refuses a config that would not load, and leaves the file alone', async () => {
      await saveConfig(file, minimalSsh);
      const bad: z.input<typeof HubConfig> = { systems: { NAME: { kind: 'ssh', host: 'h', poll_interval: 0 } } };
      await expect(saveConfig(file, bad)).rejects.toThrow(/systems\.NAME\.poll_interval/);
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(minimalSsh);
    });
  });
});
