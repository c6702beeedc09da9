// Systems settings through the Hub: config.json edited one system at a time and applied at once, presets in
// state.json, and "test connection" on this computer.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localJupyter, makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';

let h: HubHarness | undefined;

afterEach(async () => {
  await h?.close();
  if (h) removeHome(h.home);
  h = undefined;
});

async function hubWith(config: unknown): Promise<HubHarness> {
  h = await openHub(makeHome(config));
  return h;
}

const configFile = (harness: HubHarness) => join(harness.home, 'config.json');
const readConfig = (harness: HubHarness) => JSON.parse(readFileSync(configFile(harness), 'utf8'));

describe('systems settings', () => {
  it('adds a system next to the built-in one, keeping the file’s other settings, and applies it at once', async () => {
    const harness = await hubWith({ $schema: './config.schema.json', prompt_timeout: 30 });
    const before = await harness.hub.getSystemSettings();
    expect(before).toEqual({ file: configFile(harness), systems: { 'This computer': expect.objectContaining({ kind: 'local' }) }, embedded: ['This computer'] });

    const systems = await harness.hub.saveSystem({ name: 'lab', settings: { kind: 'ssh', host: 'lab.example.org', user: 'me' } });
    expect(systems.map((s) => s.name)).toEqual(['This computer', 'lab']);
    expect(harness.events.some((e) => e.event === 'systems')).toBe(true);

    const written = readConfig(harness);
    expect(written.$schema).toBe('./config.schema.json');
    expect(written.prompt_timeout).toBe(30);
    expect(written.systems.lab).toEqual({ kind: 'ssh', host: 'lab.example.org', user: 'me' });
    // Only what differs from the defaults is written for the built-in system.
    expect(written.systems['This computer'].kind).toBe('local');
    expect(written.systems['This computer']).not.toHaveProperty('start_timeout');
    expect((await harness.hub.getSystemSettings()).embedded).toEqual([]);
  });

  it('refuses invalid settings, a taken name and a missing system, leaving the file as it was', async () => {
    const harness = await hubWith({ systems: { lab: { kind: 'ssh', host: 'lab' }, other: { kind: 'ssh', host: 'other' } } });
    const original = readFileSync(configFile(harness), 'utf8');
    await expect(harness.hub.saveSystem({ name: 'lab', previous: 'lab', settings: { kind: 'ssh', host: 'lab', port: 70000 } })).rejects.toThrow(/lab: port: .*65535/);
    await expect(harness.hub.saveSystem({ name: 'bad', settings: { kind: 'ssh', host: 'x; rm -rf ~' } })).rejects.toThrow(/host/);
    await expect(harness.hub.saveSystem({ name: 'other', previous: 'lab', settings: { kind: 'ssh', host: 'lab' } })).rejects.toMatchObject({ code: 'conflict' });
    await expect(harness.hub.saveSystem({ name: 'lab', settings: { kind: 'ssh', host: 'lab' } })).rejects.toMatchObject({ code: 'conflict' });
    await expect(harness.hub.removeSystem({ name: 'nope' })).rejects.toMatchObject({ code: 'not-found' });
    expect(readFileSync(configFile(harness), 'utf8')).toBe(original);
  });

  it('renames in place, removes, and reloads hand edits, reporting a broken file by line without overwriting it', async () => {
    const harness = await hubWith({ systems: { a: { kind: 'ssh', host: 'a' }, b: { kind: 'ssh', host: 'b' }, c: { kind: 'ssh', host: 'c' } } });
    await harness.hub.saveSystem({ name: 'bee', previous: 'b', settings: { kind: 'ssh', host: 'b2' } });
    expect(Object.keys(readConfig(harness).systems)).toEqual(['a', 'bee', 'c']);
    expect((await harness.hub.removeSystem({ name: 'a' })).map((s) => s.name)).toEqual(['bee', 'c']);

    writeFileSync(configFile(harness), JSON.stringify({ systems: { d: { kind: 'ssh', host: 'd' } } }));
    expect((await harness.hub.reloadConfig()).map((s) => s.name)).toEqual(['d']);

    const broken = '{\n  "systems": {,\n}';
    writeFileSync(configFile(harness), broken);
    await expect(harness.hub.reloadConfig()).rejects.toThrow(/line 2, column 15/);
    await expect(harness.hub.saveSystem({ name: 'e', settings: { kind: 'ssh', host: 'e' } })).rejects.toMatchObject({ code: 'bad-request' });
    expect(readFileSync(configFile(harness), 'utf8')).toBe(broken);
    // The last good config stays in force.
    expect((await harness.hub.listSystems()).map((s) => s.name)).toEqual(['d']);
  });

  it('edits a hand-written file in place, keeping its comments, trailing commas and indentation', async () => {
    const harness = await hubWith({});
    const text = [
      '// hubtray: my systems',
      '{',
      '    "$schema": "./config.schema.json",',
      '    "systems": {',
      '        // the cluster, through the jump host',
      '        "lab": {',
      '            "kind": "ssh",',
      '            "host": "lab", // the login node',
      '            "connect_timeout": 20, /* slow VPN */',
      '        },',
      '        "old": {',
      '            "kind": "ssh",',
      '            "host": "old",',
      '        },',
      '    },',
      '    "prompt_timeout": 30, // seconds',
      '}',
      '',
    ].join('\n');
    writeFileSync(configFile(harness), text);
    expect((await harness.hub.reloadConfig()).map((s) => s.name)).toEqual(['lab', 'old']);

    await harness.hub.saveSystem({ name: 'cluster', previous: 'lab', settings: { kind: 'ssh', host: 'lab', connect_timeout: 30 } });
    await harness.hub.saveSystem({ name: 'new', settings: { kind: 'ssh', host: 'new' } });
    await harness.hub.removeSystem({ name: 'old' });
    expect(readFileSync(configFile(harness), 'utf8')).toBe(
      [
        '// hubtray: my systems',
        '{',
        '    "$schema": "./config.schema.json",',
        '    "systems": {',
        '        // the cluster, through the jump host',
        '        "cluster": {',
        '            "kind": "ssh",',
        '            "host": "lab", // the login node',
        '            "connect_timeout": 30, /* slow VPN */',
        '        },',
        '        "new": {',
        '            "kind": "ssh",',
        '            "host": "new"',
        '        },',
        '    },',
        '    "prompt_timeout": 30, // seconds',
        '}',
        '',
      ].join('\n'),
    );

    // The last system goes too, though a trailing comma follows it.
    await harness.hub.removeSystem({ name: 'new' });
    await harness.hub.removeSystem({ name: 'cluster' });
    expect(readFileSync(configFile(harness), 'utf8')).toBe(
      ['// hubtray: my systems', '{', '    "$schema": "./config.schema.json",', '    "systems": {},', '    "prompt_timeout": 30, // seconds', '}', ''].join('\n'),
    );

    // A file of comments alone gets its settings after them.
    writeFileSync(configFile(harness), '// systems to come\n');
    await harness.hub.saveSystem({ name: 'lab', settings: { kind: 'ssh', host: 'lab' } });
    const written = readFileSync(configFile(harness), 'utf8');
    expect(written).toMatch(/^\/\/ systems to come\n\{\n {2}"systems": \{\n {4}"This computer": \{/);
    expect(Object.keys(JSON.parse(written.replace(/^\/\/.*/, '')).systems)).toEqual(['This computer', 'lab']);
  });

  it('will not remove or rename a system while a server runs on it', async () => {
    const harness = await hubWith({ systems: { here: localJupyter } });
    await harness.hub.start({ system: 'here', name: 'busy' });
    await expect(harness.hub.removeSystem({ name: 'here' })).rejects.toThrow(/busy is active on it; stop it first/);
    await expect(harness.hub.saveSystem({ name: 'there', previous: 'here', settings: localJupyter })).rejects.toMatchObject({ code: 'conflict' });
    await harness.waitFor('busy', ['running', 'failed']);
  });
});

describe('presets', () => {
  it('saves options checked against the form, lists them with the system, and deletes them', async () => {
    const form = { fields: [{ name: 'cores', type: 'number', min: 1, max: 8, default: 1 }, { name: 'gpu', type: 'checkbox' }] };
    const harness = await hubWith({ systems: { lab: { kind: 'ssh', host: 'lab', options_form: form } } });
    const info = await harness.hub.savePreset({ system: 'lab', preset: ' big ', options: { cores: 8, gpu: true } });
    expect(info.presets).toEqual({ big: { cores: 8, gpu: true } });
    await expect(harness.hub.savePreset({ system: 'lab', preset: 'huge', options: { cores: 64 } })).rejects.toThrow(/above the maximum 8/);
    await expect(harness.hub.savePreset({ system: 'lab', preset: 'typo', options: { corez: 2 } })).rejects.toThrow(/unknown option "corez"/);
    expect(JSON.parse(readFileSync(join(harness.home, 'state.json'), 'utf8')).presets).toEqual({ lab: { big: { cores: 8, gpu: true } } });

    expect((await harness.hub.deletePreset({ system: 'lab', preset: 'big' })).presets).toEqual({});
    await expect(harness.hub.deletePreset({ system: 'lab', preset: 'big' })).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('test connection', () => {
  it('finds the command on this computer, or says it is missing, before anything is saved', async () => {
    const harness = await hubWith({});
    expect(await harness.hub.testConnection({ settings: localJupyter })).toEqual({
      ok: true,
      message: expect.stringMatching(/^Ready: reached this computer as \S+; \/usr\/bin\/jupyter \S+ \S+ is there\.\n/),
    });
    const missing = await harness.hub.testConnection({ settings: { kind: 'local', cmd: ['no-such-jupyter', 'lab'] } });
    expect(missing).toEqual({ ok: false, message: expect.stringMatching(/"no-such-jupyter" was not found there/) });
    await expect(harness.hub.testConnection({ settings: { kind: 'nope' } })).rejects.toMatchObject({ code: 'bad-request' });
  });
});
