// shellQuote against real shells: locally (dash and bash) and on the far side of an SSH exec, for strings made
// to break out of quoting. Nothing may run, and every string must arrive exactly as it was.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { shellQuote } from '../../electron/core/ssh/shell-quote.js';
import type { SshPool } from '../../electron/core/ssh/ssh-pool.js';
import { startSshd, sshTarget, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { closeTestPools, testPool } from './test-pool.js';

const run = promisify(execFile);
let dir: string;
let marker: string;

function hostileStrings(): string[] {
  const fixed = [
    '',
    ' ',
    "'",
    '"',
    "''",
    `'"'"'`,
    '\\',
    "\\'",
    'a b\tc',
    '\n',
    'line1\nline2\n',
    '*',
    '~',
    '#not a comment',
    '-n',
    '--',
    '%s%d%n',
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    `; touch ${marker}`,
    `| touch ${marker}`,
    `&& touch ${marker}`,
    `'; touch ${marker}; '`,
    `"; touch ${marker}; "`,
    `\ntouch ${marker}\n`,
    `$'\\n'touch ${marker}`,
    `\${IFS}touch\${IFS}${marker}`,
    `> ${marker}`,
    'ünïcødé ✓ 日本語 🎉',
    '\u202e\u200b\u00a0',
  ];
  // Random strings over an alphabet of shell metacharacters, from a fixed seed so a failure can be replayed.
  const alphabet = [..."'\"`$(){}[]\\;|&<>*?~#!\n\t -=%^,.:/", 'x', 'é', '🎉', `touch ${marker}`];
  let seed = 20240611;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const generated = Array.from({ length: 200 }, () =>
    Array.from({ length: 1 + Math.floor(random() * 24) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''),
  );
  return [...fixed, ...generated];
}

/** One shell command printing every string, each followed by a NUL, so the output can be split again. */
function printAll(strings: string[]): string {
  return strings.map((s) => `printf '%s\\0' ${shellQuote(s)}`).join('; ');
}

async function markerExists(): Promise<boolean> {
  return stat(marker).then(
    () => true,
    () => false,
  );
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hubtray-shell-quote-'));
  marker = path.join(dir, 'X');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('shellQuote', () => {
  test('single-quotes, turning each quote into a closed, escaped and reopened one', () => {
    expect(shellQuote('plain')).toBe("'plain'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
  });

  test('refuses NUL, which no shell word can carry', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });

  test.each(['/bin/sh', '/bin/bash'])('every hostile string survives %s -c exactly, and nothing runs', async (shell) => {
    const strings = hostileStrings();
    const { stdout } = await run(shell, ['-c', printAll(strings)], { maxBuffer: 16 * 1024 * 1024 });
    expect(stdout.split('\0').slice(0, -1)).toEqual(strings);
    expect(await markerExists()).toBe(false);
  });

  describe('over SSH', () => {
    let sshd: Sshd;
    let config: ClientConfig;
    let pool: SshPool;
    beforeAll(async () => {
      sshd = await startSshd();
      config = await writeClientConfig([{ alias: 'box', sshd }], { trust: true });
      pool = testPool(config).pool;
    });
    afterAll(async () => {
      await closeTestPools();
      await sshd?.stop();
      await config?.cleanup();
    });

    test('sh -c "printf %s $(shellQuote(s))" run through exec prints exactly s, and the marker file never appears', async () => {
      const strings = hostileStrings();
      // Quoted twice: once for the remote login shell, once for the inner sh -c.
      for (const s of strings.slice(0, 15)) {
        const result = await pool.exec(sshTarget('box'), `sh -c ${shellQuote(`printf %s ${shellQuote(s)}`)}`);
        expect(result).toMatchObject({ code: 0, stdout: s, stderr: '' });
      }
      const all = await pool.exec(sshTarget('box'), `sh -c ${shellQuote(printAll(strings))}`);
      expect(all.stdout.split('\0').slice(0, -1)).toEqual(strings);
      expect(await markerExists()).toBe(false);
    });
  });
});
