// Reading back a state.json that is partly wrong: one bad entry must cost that entry alone, kept whole in a backup.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { maxOptionsBytes, StateStore } from '../../electron/core/state/state-store.js';
import { serverRecord } from './records.js';

describe('loading state.json entry by entry', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hubtray-state-load-'));
    file = join(dir, 'state.json');
  });
  afterEach(async () => {
    vi.useRealTimers();
    await rm(dir, { recursive: true, force: true });
  });

  const writeState = (state: object) => writeFile(file, JSON.stringify(state));
  const backups = async () => (await readdir(dir)).filter((name) => name.includes('.bad-')).sort();
  const readJson = async (name: string): Promise<unknown> => JSON.parse(await readFile(join(dir, name), 'utf8'));

  it('the system of the last start outlives a restart; one that is not a system name is dropped, and nothing else', async () => {
    const { store } = await StateStore.open(file);
    await store.setLastSystem('gpubox');
    expect((await StateStore.open(file)).store.lastSystem()).toBe('gpubox');
    await writeState({ version: 1, servers: { a: serverRecord('a') }, lastOptions: {}, presets: {}, lastSystem: '../etc' });
    const reopened = await StateStore.open(file);
    expect(reopened.store.lastSystem()).toBeUndefined();
    expect(reopened.store.servers().map((r) => r.name)).toEqual(['a']);
    expect(reopened.warnings).toEqual([]);
  });

  it('a record written by a buggy or older hubtray is kept aside alone, and every other server loads', async () => {
    const exploded = { ...serverRecord('b'), status: 'exploded' };
    const misfiled = serverRecord('other');
    await writeState({ version: 1, servers: { a: serverRecord('a'), b: exploded, c: serverRecord('c'), d: misfiled }, lastOptions: { cluster: { cpus: 8 } }, presets: {} });

    const { store, warnings } = await StateStore.open(file);
    expect(store.servers().map((r) => r.name).sort()).toEqual(['a', 'c']);
    expect(store.lastOptions('cluster')).toEqual({ cpus: 8 });
    expect(await backups()).toEqual([expect.stringMatching(/^state\.json\.bad-b-.*\.json$/), expect.stringMatching(/^state\.json\.bad-d-.*\.json$/)]);
    const [bBackup, dBackup] = (await backups()).map((name) => join(dir, name));
    expect(JSON.parse(await readFile(bBackup as string, 'utf8'))).toEqual(exploded);
    expect(JSON.parse(await readFile(dBackup as string, 'utf8'))).toEqual(misfiled);
    expect((await stat(bBackup as string)).mode & 0o777).toBe(0o600);
    expect(warnings).toEqual([
      expect.stringMatching(/^server "b" in .*state\.json could not be used \(status: .*\); it was kept as .*, and the other servers were loaded\.$/),
      expect.stringContaining('name: "other" does not match its key "d"'),
    ]);
    expect(warnings[0]).toContain(bBackup);
    expect(warnings[1]).toContain(dBackup);

    // state.json is tidied once the entries are safe, so the next start does not warn again.
    await store.close();
    const again = await StateStore.open(file);
    expect(again.warnings).toEqual([]);
    expect(again.store.servers().map((r) => r.name).sort()).toEqual(['a', 'c']);
    expect(await backups()).toHaveLength(2);
  });

  it('a bad remembered option or preset costs only that entry', async () => {
    await writeState({
      version: 1,
      servers: { a: serverRecord('a') },
      lastOptions: { cluster: { cpus: 2 }, laptop: 'not options', 'no/slash': { x: 1 } },
      presets: { cluster: { small: { cpus: 1 }, broken: [1, 2] }, laptop: 'not presets', 'bad system!': { p: {} } },
    });
    const { store, warnings } = await StateStore.open(file);
    expect(store.servers()).toHaveLength(1);
    expect(store.lastOptions('cluster')).toEqual({ cpus: 2 });
    expect(store.lastOptions('laptop')).toEqual({});
    expect(store.presets('cluster')).toEqual({ small: { cpus: 1 } });
    expect(store.presets('laptop')).toEqual({});
    expect(warnings).toEqual([
      expect.stringContaining('the remembered options of system "laptop"'),
      expect.stringContaining('the remembered options of system "no/slash"'),
      expect.stringContaining('preset "broken" of system "cluster"'),
      expect.stringContaining('the presets of system "laptop"'),
      expect.stringContaining('the presets of system "bad system!"'),
    ]);
    const kept = await backups();
    expect(kept).toHaveLength(5);
    expect(await readJson(kept.find((name) => name.includes('bad-preset-cluster-broken-')) as string)).toEqual([1, 2]);
    expect(await readJson(kept.find((name) => name.includes('bad-presets-laptop-')) as string)).toBe('not presets');
    await store.close();
  });

  it('remembered options that an older hubtray let grow huge are kept aside, not rewritten with every save', async () => {
    const huge = { script: 'x'.repeat(maxOptionsBytes) };
    await writeState({ version: 1, servers: {}, lastOptions: { cluster: huge, small: { cpus: 1 } } });
    const { store, warnings } = await StateStore.open(file);
    expect(store.lastOptions('cluster')).toEqual({});
    expect(store.lastOptions('small')).toEqual({ cpus: 1 });
    expect(warnings).toEqual([expect.stringMatching(/options of system "cluster" .*they are 65 KiB; remembered options are limited to 64 KiB/)]);
    await store.close();
    expect(await readFile(file, 'utf8')).not.toContain('xxxx');
  });

  it('a file from before presets loads without a warning', async () => {
    await writeState({ version: 1, servers: { a: serverRecord('a') }, lastOptions: {} });
    const { store, warnings } = await StateStore.open(file);
    expect(warnings).toEqual([]);
    expect(store.presets('cluster')).toEqual({});
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('a record whose key tries to leave the folder still gets its backup beside state.json', async () => {
    await writeState({ version: 1, servers: { '../../escaped': serverRecord('a'), a: serverRecord('a') }, lastOptions: {} });
    const { store, warnings } = await StateStore.open(file);
    expect(store.servers().map((r) => r.name)).toEqual(['a']);
    expect(await backups()).toEqual([expect.stringMatching(/^state\.json\.bad-\.\._\.\._escaped-.*\.json$/)]);
    expect(warnings[0]).toContain('server "../../escaped"');
    expect((await readdir(dirname(dir))).some((name) => name.includes('escaped'))).toBe(false);
    await store.close();
  });

  it('never overwrites an earlier backup of the same record, even within the same millisecond', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-06-01T12:00:00.000Z'));
    const bad = (reason: string) => ({ version: 1, servers: { b: { ...serverRecord('b'), status: 'exploded', reason } }, lastOptions: {} });
    await writeState(bad('first'));
    await (await StateStore.open(file)).store.close();
    await writeState(bad('second'));
    const second = await StateStore.open(file);
    await second.store.close();
    const stamp = '2025-06-01T12-00-00-000Z';
    expect(await backups()).toEqual([`state.json.bad-b-${stamp}-1.json`, `state.json.bad-b-${stamp}.json`]);
    expect(await readJson(`state.json.bad-b-${stamp}.json`)).toMatchObject({ reason: 'first' });
    expect(await readJson(`state.json.bad-b-${stamp}-1.json`)).toMatchObject({ reason: 'second' });
    expect(second.warnings[0]).toContain(`state.json.bad-b-${stamp}-1.json`);
  });
});
