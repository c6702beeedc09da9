// A full disk, for real: HUBTRAY_HOME on a 64 KiB tmpfs that a filler file fills up. Needs root (mount); where
// mounting is not allowed the tests skip and say why.
import { readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { mountSmallDisk, type SmallDisk } from '../../testkit/small-disk.js';
import { StateStore, StateWriteError } from '../../electron/core/state/state-store.js';
import { serverRecord } from './records.js';
import { eventually } from './writers.js';

let disk: SmallDisk;
let dir: string;
let file: string;
let filler: string;

beforeAll(async () => {
  disk = await mountSmallDisk(64);
  dir = disk.dir;
  file = join(dir, 'state.json');
  filler = join(dir, 'filler');
});
afterEach(async () => {
  if (disk.unmountable === null) await disk.empty();
});
afterAll(() => disk.remove());

const fillDisk = () => disk.fill();

test('a full disk: a save fails naming it, the server stays in memory, and freeing space saves it by itself', async (ctx) => {
  if (disk.unmountable !== null) return ctx.skip(disk.unmountable);
  const { store } = await StateStore.open(file, { retryMs: 100 });
  const heard: Array<string | null> = [];
  store.onTrouble((problem) => heard.push(problem));
  await store.put(serverRecord('a'));
  await fillDisk();

  const error = await store.put(serverRecord('b')).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(StateWriteError);
  const message = `cannot save state: no space left on device in HUBTRAY_HOME (${file})`;
  expect((error as Error).message.split('\n')[0]).toBe(message);
  expect(store.get('b')).toEqual(serverRecord('b'));
  // The old state survives whole, and no torn temporary file is left behind.
  expect(Object.keys(JSON.parse(await readFile(file, 'utf8')).servers)).toEqual(['a']);
  expect((await readdir(dir)).sort()).toEqual(['filler', 'state.json']);

  await new Promise((resolve) => setTimeout(resolve, 450));
  expect(heard).toEqual([message]);

  await unlink(filler);
  await eventually(() => heard.length === 2, 'the retry to save');
  expect(heard).toEqual([message, null]);
  expect(Object.keys(JSON.parse(await readFile(file, 'utf8')).servers).sort()).toEqual(['a', 'b']);
  await store.close();
});

test('a full disk at start: a bad record that cannot be kept aside stops the start, and stays in state.json', async (ctx) => {
  if (disk.unmountable !== null) return ctx.skip(disk.unmountable);
  const text = JSON.stringify({ version: 1, servers: { a: serverRecord('a'), b: { ...serverRecord('b'), status: 'exploded' } }, lastOptions: {} });
  await writeFile(file, text);
  await fillDisk();

  await expect(StateStore.open(file)).rejects.toThrow(/^cannot keep a bad entry of state\.json aside: no space left on device in HUBTRAY_HOME \(.*state\.json\.bad-b-.*\.json\)$/);
  expect(await readFile(file, 'utf8')).toBe(text);
  expect((await readdir(dir)).sort()).toEqual(['filler', 'state.json']);
});
