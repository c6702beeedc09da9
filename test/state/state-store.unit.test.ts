import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerRecord } from '../../electron/core/state/server-record.js';
import { StateStore } from '../../electron/core/state/state-store.js';
import { serverRecord } from './records.js';

describe('StateStore', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hubtray-state-'));
    file = join(dir, 'state.json');
  });
  afterEach(async () => {
    vi.useRealTimers();
    await rm(dir, { recursive: true, force: true });
  });

  const reopen = async (): Promise<StateStore> => (await StateStore.open(file)).store;

  it('starts empty when there is no file, and writes nothing until something changes', async () => {
    const { store, warnings } = await StateStore.open(file);
    expect(warnings).toEqual([]);
    expect(store.servers()).toEqual([]);
    expect(store.get('nope')).toBeUndefined();
    expect(store.lastOptions('cluster')).toEqual({});
    expect(await readdir(dir)).toEqual([]);
  });

  it('creates a missing home folder, private to the user', async () => {
    const nested = join(dir, 'home', 'state.json');
    const { store } = await StateStore.open(nested);
    await store.put(serverRecord('a'));
    expect((await stat(join(dir, 'home'))).mode & 0o777).toBe(0o700);
  });

  it('persists every change before it resolves, as a 0600 file', async () => {
    const { store } = await StateStore.open(file);
    await store.put(serverRecord('a'));
    await store.put(serverRecord('b', { status: 'starting', readyAt: null }));
    await store.setLastOptions('cluster', { cpus: 4, label: 'x; $(rm -rf /)' });
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const again = await reopen();
    expect(again.servers().map((r) => r.name).sort()).toEqual(['a', 'b']);
    expect(again.get('b')).toEqual(serverRecord('b', { status: 'starting', readyAt: null }));
    expect(again.lastOptions('cluster')).toEqual({ cpus: 4, label: 'x; $(rm -rf /)' });

    await again.put(serverRecord('a', { status: 'stopped', stoppedAt: '2025-01-02T04:00:00.000Z', exitStatus: 0 }));
    expect(await again.remove('b')).toBe(true);
    expect(await again.remove('b')).toBe(false);
    const third = await reopen();
    expect(third.servers()).toEqual([serverRecord('a', { status: 'stopped', stoppedAt: '2025-01-02T04:00:00.000Z', exitStatus: 0 })]);
    expect(JSON.parse(await readFile(file, 'utf8')).version).toBe(1);
  });

  it('lands all of many concurrent changes and leaves no temporary file', async () => {
    const { store } = await StateStore.open(file);
    const names = Array.from({ length: 30 }, (_, i) => `server-${i}`);
    await Promise.all([...names.map((name) => store.put(serverRecord(name))), store.setLastOptions('cluster', { n: 1 })]);
    const again = await reopen();
    expect(again.servers().map((r) => r.name).sort()).toEqual([...names].sort());
    expect(again.lastOptions('cluster')).toEqual({ n: 1 });
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('hands out copies, so nothing changes in memory without being saved', async () => {
    const { store } = await StateStore.open(file);
    await store.put(serverRecord('a'));
    const copy = store.get('a') as ServerRecord;
    copy.status = 'failed';
    (copy.spawnerState as { pid: number }).pid = 1;
    store.lastOptions('cluster').x = 1;
    expect(store.get('a')).toEqual(serverRecord('a'));
    expect(store.lastOptions('cluster')).toEqual({});
  });

  it('refuses an invalid record and leaves the file as it was', async () => {
    const { store } = await StateStore.open(file);
    await store.put(serverRecord('a'));
    const before = await readFile(file, 'utf8');
    await expect(store.put(serverRecord('bad name!'))).rejects.toThrow(/server record "bad name!" is invalid: name/);
    await expect(store.put(serverRecord('b', { spawnerState: { when: new Date() } }))).rejects.toThrow(/spawnerState: must be plain JSON/);
    await expect(store.put(serverRecord('b', { tunnel: { localPort: 70000 } }))).rejects.toThrow(/tunnel\.localPort/);
    await expect(store.setLastOptions('cluster', { f: () => 1 })).rejects.toThrow(/cannot be remembered/);
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(store.servers()).toHaveLength(1);
  });

  it('has no place for a secret: fields it does not know are dropped', async () => {
    const { store } = await StateStore.open(file);
    await store.put({ ...serverRecord('a'), token: 'tok-s3cret' } as ServerRecord);
    expect(await readFile(file, 'utf8')).not.toContain('tok-s3cret');
    expect(store.get('a')).not.toHaveProperty('token');
  });

  describe('a state file that cannot be used', () => {
    const cases: Array<[string, Buffer, RegExp]> = [
      ['garbage', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x00, 0x0a, 0x67, 0x61, 0x72, 0x62]), /not valid JSON/],
      ['truncated', Buffer.from('{"version": 1, "servers": {"a": {"name": "a"'), /not valid JSON/],
      ['empty', Buffer.alloc(0), /not valid JSON/],
      ['from a newer hubtray', Buffer.from(JSON.stringify({ version: 2, servers: {}, lastOptions: {} })), /version/],
      ['JSON, but not a state file', Buffer.from('[1, 2, 3]'), /must be an object/i],
      ['null', Buffer.from('null'), /must be an object/i],
      ['servers that are not an object', Buffer.from(JSON.stringify({ version: 1, servers: [serverRecord('a')], lastOptions: {} })), /servers: /],
    ];

    it.each(cases)('(%s) is kept byte for byte as a backup, reported, and the store starts empty and works', async (_, bytes, reason) => {
      await writeFile(file, bytes);
      const { store, warnings } = await StateStore.open(file);
      expect(store.servers()).toEqual([]);
      const backups = (await readdir(dir)).filter((name) => name.startsWith('state.json.corrupt-'));
      expect(backups).toHaveLength(1);
      const backup = join(dir, backups[0] as string);
      expect(await readFile(backup)).toEqual(bytes);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(backup);
      expect(warnings[0]).toMatch(reason);

      await store.put(serverRecord('fresh'));
      expect((await reopen()).servers().map((r) => r.name)).toEqual(['fresh']);
      expect(await readFile(backup)).toEqual(bytes);
    });

    it('never overwrites an earlier backup, even within the same millisecond', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2025-06-01T12:00:00.000Z'));
      await writeFile(file, 'first');
      const first = await StateStore.open(file);
      await writeFile(file, 'second');
      const second = await StateStore.open(file);
      const backups = (await readdir(dir)).sort();
      expect(backups).toEqual(['state.json.corrupt-2025-06-01T12-00-00-000Z', 'state.json.corrupt-2025-06-01T12-00-00-000Z-1']);
      expect(await readFile(join(dir, backups[0] as string), 'utf8')).toBe('first');
      expect(await readFile(join(dir, backups[1] as string), 'utf8')).toBe('second');
      expect(first.warnings[0]).toContain(backups[0]);
      expect(second.warnings[0]).toContain(backups[1]);
    });

    it('is not mistaken for corruption when it cannot be read at all', async () => {
      await mkdir(file);
      await expect(StateStore.open(file)).rejects.toThrow(/EISDIR/);
      expect(await readdir(dir)).toEqual([basename(file)]);
    });
  });
});
