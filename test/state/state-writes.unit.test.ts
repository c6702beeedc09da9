// How often and how safely state.json is written: polls of many servers, options nobody should rewrite every few
// seconds, and a disk that refuses a write (this file injects the failure; full-disk.test.ts fills a real one).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CodedError } from '../../shared/api.js';
import { maxOptionsBytes, StateStore, StateWriteError, type StateStoreOptions } from '../../electron/core/state/state-store.js';
import { serverRecord } from './records.js';
import { eventually, gate, testWriter, type TestWriter } from './writers.js';

describe('writing state.json', () => {
  let dir: string;
  let file: string;
  let writer: TestWriter;
  let stores: StateStore[];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hubtray-state-writes-'));
    file = join(dir, 'state.json');
    writer = testWriter();
    stores = [];
  });
  afterEach(async () => {
    writer.failWith = null;
    await Promise.all(stores.map((store) => store.close()));
    await rm(dir, { recursive: true, force: true });
  });

  const open = async (options: StateStoreOptions = {}): Promise<StateStore> => {
    const { store } = await StateStore.open(file, { write: writer.write, ...options });
    stores.push(store);
    return store;
  };
  const onDisk = async (): Promise<{ servers: Record<string, { status: string }>; lastOptions: Record<string, unknown> }> =>
    JSON.parse(await readFile(file, 'utf8'));

  it('every server polled at once: a burst of 100 changes takes one or two writes, each change on disk when it resolves', async () => {
    const store = await open();
    const names = Array.from({ length: 100 }, (_, i) => `server-${i}`);
    await Promise.all(
      names.map((name) =>
        store.put(serverRecord(name)).then(async () => {
          expect((await onDisk()).servers[name]).toBeDefined();
        }),
      ),
    );
    expect(writer.written.length).toBeGreaterThanOrEqual(1);
    expect(writer.written.length).toBeLessThanOrEqual(2);
    expect(Object.keys((await onDisk()).servers)).toHaveLength(100);
  });

  it('changes made while a slow disk is still writing wait for a write that holds them, never overlapping it', async () => {
    const store = await open();
    const slow = gate();
    writer.gate = slow.promise;
    const first = store.put(serverRecord('a'));
    await eventually(() => writer.attempts === 1, 'the first write to start');
    const resolved: string[] = [];
    const later = ['b', 'c', 'd'].map((name) =>
      store.put(serverRecord(name)).then(async () => {
        resolved.push(name);
        expect((await onDisk()).servers[name]).toBeDefined();
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(resolved).toEqual([]);
    writer.gate = null;
    slow.open();
    await Promise.all([first, ...later]);
    expect(writer.written).toHaveLength(2);
    expect(writer.mostInFlight).toBe(1);
  });

  it('a poll that finds nothing new writes nothing and resolves at once', async () => {
    const store = await open();
    await store.put(serverRecord('a'));
    await store.setLastOptions('cluster', { cpus: 2, nested: { a: [1, 2] } });
    await store.setPreset('cluster', 'small', { cpus: 1 });
    const writes = writer.attempts;

    await store.put(serverRecord('a'));
    expect(await store.setLastOptions('cluster', { nested: { a: [1, 2] }, cpus: 2 })).toBe(true);
    expect(await store.setPreset('cluster', 'small', { cpus: 1 })).toBe(false);
    expect(await store.remove('never-there')).toBe(false);
    expect(await store.setPreset('cluster', 'never-there', null)).toBe(false);
    expect(writer.attempts).toBe(writes);
  });

  it('an unchanged record put while its change is still pending waits for that change to reach disk', async () => {
    const store = await open();
    const first = store.put(serverRecord('a', { status: 'stopped' }));
    await store.put(serverRecord('a', { status: 'stopped' }));
    expect((await onDisk()).servers.a?.status).toBe('stopped');
    await first;
    expect(writer.written).toHaveLength(1);
  });

  it('a huge form value (a pasted script) is not remembered as the next defaults, and nothing is written for it', async () => {
    const store = await open();
    const fits = { v: 'x'.repeat(maxOptionsBytes - '{"v":""}'.length) };
    expect(await store.setLastOptions('cluster', fits)).toBe(true);
    const writes = writer.attempts;
    expect(await store.setLastOptions('cluster', { v: `${fits.v}y` })).toBe(false);
    expect(store.lastOptions('cluster')).toEqual(fits);
    expect(writer.attempts).toBe(writes);
    expect(maxOptionsBytes).toBe(64 * 1024);
  });

  it('a huge preset is refused with its size, as the user’s mistake, and nothing is written', async () => {
    const store = await open();
    const error = await store.setPreset('cluster', 'big', { v: 'x'.repeat(maxOptionsBytes) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodedError);
    expect((error as CodedError).errorCode).toBe('bad-request');
    expect((error as Error).message).toBe('preset "big" is 65 KiB; presets are limited to 64 KiB');
    expect(store.presets('cluster')).toEqual({});
    expect(writer.attempts).toBe(0);
  });

  describe('a disk that refuses a write', () => {
    it('a full disk: the change is rejected with the cause, kept in memory, told once, and saved by itself once there is room', async () => {
      const store = await open({ retryMs: 20 });
      const heard: Array<string | null> = [];
      store.onTrouble((problem) => heard.push(problem));
      await store.put(serverRecord('a'));

      writer.failWith = 'ENOSPC';
      const error = await store.put(serverRecord('b')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StateWriteError);
      expect(error).toBeInstanceOf(CodedError);
      expect((error as StateWriteError).errorCode).toBe('failed');
      const message = `cannot save state: no space left on device in HUBTRAY_HOME (${file})`;
      expect((error as Error).message.split('\n')[0]).toBe(message);
      expect(store.get('b')).toEqual(serverRecord('b'));
      await expect(store.put(serverRecord('c'))).rejects.toThrow(message);

      const failedSoFar = writer.attempts;
      await eventually(() => writer.attempts >= failedSoFar + 3, 'a few retries');
      expect(heard).toEqual([message]);
      expect(Object.keys((await onDisk()).servers)).toEqual(['a']);

      writer.failWith = null;
      await eventually(() => heard.length === 2, 'the save to succeed again');
      expect(heard).toEqual([message, null]);
      expect(Object.keys((await onDisk()).servers).sort()).toEqual(['a', 'b', 'c']);
      const settled = writer.attempts;
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(writer.attempts).toBe(settled);
    });

    it.each([
      ['EACCES', 'permission denied'],
      ['EPERM', 'permission denied'],
      ['EROFS', 'read-only file system'],
      ['EDQUOT', 'disk quota exceeded'],
      ['EIO', 'EIO: something failed, write'],
    ])('a home folder that refuses writes (%s) is named in words a user can act on', async (code, words) => {
      const store = await open();
      writer.failWith = code;
      await expect(store.put(serverRecord('a'))).rejects.toThrow(`cannot save state: ${words} in HUBTRAY_HOME (${file})`);
    });

    it('a change made during a write that then fails gets a write of its own', async () => {
      const store = await open({ retryMs: 60_000 });
      const slow = gate();
      writer.gate = slow.promise;
      writer.failWith = 'ENOSPC';
      const first = store.put(serverRecord('a')).catch((e: unknown) => e);
      await eventually(() => writer.attempts === 1, 'the first write to start');
      const second = store.put(serverRecord('b'));
      writer.gate = null;
      slow.open();
      expect(await first).toBeInstanceOf(StateWriteError);
      writer.failWith = null;
      await second;
      expect(Object.keys((await onDisk()).servers).sort()).toEqual(['a', 'b']);
    });

    it('a window opened while saving already fails hears about it at once, and can stop listening', async () => {
      const store = await open({ retryMs: 20 });
      writer.failWith = 'EROFS';
      await store.put(serverRecord('a')).catch(() => undefined);
      const heard: Array<string | null> = [];
      const stop = store.onTrouble((problem) => heard.push(problem));
      expect(heard).toEqual([expect.stringContaining('read-only file system')]);
      stop();
      writer.failWith = null;
      await eventually(async () => (await readFile(file, 'utf8').catch(() => '')).includes('"a"'), 'the retry');
      expect(heard).toHaveLength(1);
    });
  });

  describe('quitting the hub', () => {
    it('saves a change still waiting for its write before close resolves', async () => {
      const store = await open({ debounceMs: 10_000 });
      const put = store.put(serverRecord('a'));
      await store.close();
      expect((await onDisk()).servers.a).toBeDefined();
      await put;
    });

    it('waits for the write in flight, then stops retrying after one last attempt', async () => {
      const store = await open({ retryMs: 20 });
      const slow = gate();
      writer.gate = slow.promise;
      writer.failWith = 'ENOSPC';
      const put = store.put(serverRecord('a')).catch((e: unknown) => e);
      await eventually(() => writer.attempts === 1, 'the write to start');
      const closed = store.close();
      writer.gate = null;
      slow.open();
      await closed;
      expect(await put).toBeInstanceOf(StateWriteError);
      expect(writer.attempts).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(writer.attempts).toBe(2);
    });
  });
});
