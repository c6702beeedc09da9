// Following a log as the Hub does, on a real file read by the real script through /bin/sh (as on this computer or
// an SSH host): the newest part first, growth as it comes, a truncated or replaced file, a log that runs ahead, the
// server's end, "load earlier", and the two edges a read by offsets can cut: a character and a secret.
import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOG_CHUNK_BYTES, type LogChunk } from '../../shared/api.js';
import { logRangeScript, parseLogRange } from '../../electron/core/shell-spawner/log-follow-script.js';
import { shellQuote } from '../../electron/core/ssh/shell-quote.js';
import type { LogReader } from '../../electron/core/spawner/log-range.js';
import { LocalHost } from '../../electron/core/kinds/local/local-host.js';
import { LogFollower, type LogSource } from '../../electron/core/hub/log-follower.js';
import { earlierChunk, LogFollows, wholeTextReader } from '../../electron/core/hub/log-follows.js';

const TOKEN = 'f00dfeedcafe1234f00dfeedcafe1234';
let dir: string;
let file: string;
let active: boolean;
let reads: number;

/** This computer's shell, as hubtray runs scripts on it. */
function sh(script: string): Promise<{ stdout: string; stderr: string }> {
  return new LocalHost(tmpdir()).run(script);
}

const read: LogReader = async (range, maxBytes) => {
  reads++;
  const { stdout, stderr } = await sh(logRangeScript(shellQuote(file), range, maxBytes));
  return parseLogRange(stdout, stderr);
};

const source = (): LogSource => ({ read, intervalMs: 20, secrets: () => [TOKEN], active: () => active });

/** A follower's chunks, and the log as a viewer that shows them would have it. */
function follow() {
  const chunks: LogChunk[] = [];
  let shown = '';
  let to = -1;
  let idle = false;
  const follower = new LogFollower('lab', source(), () => (idle = true));
  const leave = follower.join((chunk) => {
    chunks.push(chunk);
    shown = chunk.from === to ? shown + chunk.text : chunk.text;
    to = chunk.to;
  });
  return { chunks, shown: () => shown, leave, idle: () => idle };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hubtray-log-'));
  file = join(dir, 'log');
  active = true;
  reads = 0;
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the log range script', () => {
  it('reads exact bytes by offset, the last bytes, and says when there is no file or it is shorter than asked', async () => {
    const bytes = Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 0x41, 0xc3]);
    writeFileSync(file, bytes);
    expect(await read({ from: 2 }, 3)).toMatchObject({ size: 8, from: 2, bytes: bytes.subarray(2, 5) });
    expect(await read({ lastBytes: 3 }, 100)).toMatchObject({ size: 8, from: 5, bytes: bytes.subarray(5) });
    expect(await read({ from: 8 }, 100)).toMatchObject({ size: 8, from: 8, bytes: Buffer.alloc(0) });
    // Past the end: the file was truncated since; the read starts again at 0.
    expect(await read({ from: 50 }, 4)).toMatchObject({ size: 8, from: 0, bytes: bytes.subarray(0, 4) });
    rmSync(file);
    expect(await read({ from: 0 }, 4)).toBeNull();
  });

  it('takes a path with spaces and quotes as data', async () => {
    // Run as code, any of it would make the path another one, which has no file.
    file = join(dir, `it's a "log" $(echo x) \`echo y\` $HOME`);
    writeFileSync(file, 'hello\n');
    expect((await read({ from: 0 }, 100))?.bytes.toString()).toBe('hello\n');
    expect(await read({ lastBytes: 1 }, 1)).toMatchObject({ from: 5 });
  });

  it('tells a shell that could not run it', () => {
    expect(() => parseLogRange('', 'sh: 1: od: not found\n')).toThrow('the log could not be read: sh: 1: od: not found');
  });
});

describe('a followed log', () => {
  it('starts with its newest part, then each piece as it grows, with no byte lost or doubled', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `line ${String(i).padStart(5, '0')} ${'.'.repeat(40)}\n`).join('');
    writeFileSync(file, lines);
    const f = follow();
    await expect.poll(() => f.chunks.length).toBeGreaterThan(0);
    const first = f.chunks[0] as LogChunk;
    expect(first.size).toBe(lines.length);
    expect(first.to).toBe(lines.length);
    expect(first.to - first.from).toBeLessThanOrEqual(LOG_CHUNK_BYTES);
    expect(first.text).toBe(lines.slice(first.from));
    appendFileSync(file, 'one more\n');
    appendFileSync(file, 'and another\n');
    await expect.poll(() => f.shown()).toBe(`${lines.slice(first.from)}one more\nand another\n`);

    // "load earlier" carries on exactly where the view begins, back to the very first byte.
    let start = first.from;
    let earlier = '';
    while (start > 0) {
      const chunk = await earlierChunk('lab', source(), start);
      expect(chunk.to).toBe(start);
      expect(chunk.to - chunk.from).toBeLessThanOrEqual(LOG_CHUNK_BYTES);
      earlier = chunk.text + earlier;
      start = chunk.from;
    }
    expect(earlier + lines.slice(first.from)).toBe(lines);
    f.leave();
  });

  it('shows a truncated log, and one replaced by another file, from the start again and says so', async () => {
    writeFileSync(file, 'first run\n');
    const f = follow();
    await expect.poll(() => f.shown()).toBe('first run\n');
    truncateSync(file, 0);
    appendFileSync(file, 'new\n');
    await expect.poll(() => f.shown()).toBe('new\n');
    expect(f.chunks.at(-1)?.note ?? f.chunks.at(-2)?.note).toMatch(/truncated or replaced/);

    // Rotated: a new file under the name, longer than what was read of the old one.
    writeFileSync(join(dir, 'next'), 'rotated: a longer first line\n');
    renameSync(join(dir, 'next'), file);
    await expect.poll(() => f.shown()).toBe('rotated: a longer first line\n');
    f.leave();
  });

  it('skips ahead when the log runs far ahead of the reads, saying how much "load earlier" has', async () => {
    writeFileSync(file, 'start\n');
    const f = follow();
    await expect.poll(() => f.shown()).toBe('start\n');
    appendFileSync(file, 'x'.repeat(6 * LOG_CHUNK_BYTES) + '\nnewest\n');
    await expect.poll(() => f.shown().endsWith('\nnewest\n')).toBe(true);
    expect(f.shown().length).toBeLessThanOrEqual(LOG_CHUNK_BYTES);
    expect(f.chunks.find((c) => c.note?.includes('skipped'))?.note).toMatch(/^\d+ KB of the log were skipped/);
    f.leave();
  });

  it('never cuts a character or the token, even when they arrive in parts', async () => {
    writeFileSync(file, 'token=');
    const f = follow();
    await expect.poll(() => f.shown()).toBe('token=');
    // Half the token, then a pause long enough for several reads, then the rest.
    appendFileSync(file, TOKEN.slice(0, 10));
    const before = reads;
    await expect.poll(() => reads).toBeGreaterThan(before + 2);
    expect(f.shown()).toBe('token=');
    appendFileSync(file, `${TOKEN.slice(10)} caf`);
    appendFileSync(file, Buffer.from([0xc3]));
    await expect.poll(() => f.shown()).toBe('token=[secret] caf');
    appendFileSync(file, Buffer.from([0xa9, 0x0a]));
    await expect.poll(() => f.shown()).toBe('token=[secret] café\n');
    expect(f.chunks.map((c) => c.text).join('')).not.toContain(TOKEN.slice(0, 4));
    f.leave();
  });

  it('says when the server has ended, and stops reading', async () => {
    writeFileSync(file, 'running\n');
    const f = follow();
    await expect.poll(() => f.shown()).toBe('running\n');
    appendFileSync(file, 'last words');
    active = false;
    await expect.poll(() => f.chunks.at(-1)?.ended).toBe(true);
    expect(f.shown()).toBe('running\nlast words');
    expect(f.chunks.at(-1)?.note).toBe('the server has ended; its log will not grow any more');
    const after = reads;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(reads).toBe(after);
    f.leave();
  });

  it('waits for a log that is not there yet, and tells when it is gone', async () => {
    const f = follow();
    await expect.poll(() => f.chunks[0]?.note).toBe('there is no log yet');
    writeFileSync(file, 'hello\n');
    await expect.poll(() => f.shown()).toBe('hello\n');
    rmSync(file);
    await expect.poll(() => f.chunks.at(-1)?.note).toBe('the log is gone: its file was removed');
    f.leave();
  });
});

describe('followers of one server', () => {
  it('share one reader: one who joins later gets what was shown, and reading stops when the last one leaves', async () => {
    writeFileSync(file, 'shared\n');
    const server = { logSource: source };
    const follows = new LogFollows((name) => {
      if (name !== 'lab') throw new Error(`no server named ${name}`);
      return server;
    });
    const first: LogChunk[] = [];
    const leaveFirst = follows.follow('lab', (chunk) => first.push(chunk));
    await expect.poll(() => first.map((c) => c.text).join('')).toBe('shared\n');
    const second: LogChunk[] = [];
    const leaveSecond = follows.follow('lab', (chunk) => second.push(chunk));
    expect(second).toEqual([{ name: 'lab', from: 0, to: 7, size: 7, text: 'shared\n' }]);
    appendFileSync(file, 'both\n');
    await expect.poll(() => second.map((c) => c.text).join('')).toBe('shared\nboth\n');
    expect(first.map((c) => c.text).join('')).toBe('shared\nboth\n');
    expect(() => follows.follow('other', () => undefined)).toThrow('no server named other');
    leaveFirst();
    leaveSecond();
    const after = reads;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(reads).toBe(after);
  });
});

describe('a log that its system sends whole', () => {
  it('is followed as if it were a file: what it gains is added, a shorter one starts again', async () => {
    let whole = 'Outpost: job queued\n';
    const f = new LogFollower('lab', { read: wholeTextReader(async () => whole), intervalMs: 20, secrets: () => [TOKEN], active: () => true }, () => undefined);
    const chunks: LogChunk[] = [];
    const leave = f.join((chunk) => chunks.push(chunk));
    await expect.poll(() => chunks.map((c) => c.text).join('')).toBe('Outpost: job queued\n');
    whole += `Outpost: job running, token ${TOKEN}\n`;
    await expect.poll(() => chunks.map((c) => c.text).join('')).toBe('Outpost: job queued\nOutpost: job running, token [secret]\n');
    whole = 'new start\n';
    await expect.poll(() => chunks.at(-1)).toMatchObject({ from: 0, text: 'new start\n', note: 'the log was truncated or replaced; it is shown again from its start' });
    leave();
  });
});
