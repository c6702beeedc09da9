// `hubtray --help` and every command's `--help`, from the built CLI, on the 80-column terminal people read them on
// (an ssh session, a small split pane): no line may be wrapped by the terminal.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { makeHome, runCli } from '../fixtures/hubtray-process.js';

const home = makeHome({});
afterAll(() => rmSync(home, { recursive: true, force: true }));

function longLines(text: string): string[] {
  // Characters, not bytes: ’ is one column.
  return text.split('\n').filter((line) => [...line].length > 80);
}

describe('help on an 80-column terminal', () => {
  it('hubtray --help fits, and names every command with its synopsis', async () => {
    const help = await runCli(home, ['--help']);
    expect(help.code).toBe(0);
    expect(longLines(help.stdout)).toEqual([]);
    for (const command of ['serve', 'systems', 'start SYSTEM', 'list [--all] [--json]', 'open NAME', 'stop NAME', 'cancel NAME', 'recheck NAME', 'forget NAME', 'logs NAME', 'secret set KEY']) {
      expect(help.stdout).toContain(`  hubtray ${command}`);
    }
  });

  it('every command’s --help fits too, and says what --all and a select’s choices mean', async () => {
    const commands = [...(await runCli(home, ['--help'])).stdout.matchAll(/^ {2}hubtray (\S+)/gm)].map((match) => match[1] ?? '');
    expect(commands.length).toBeGreaterThanOrEqual(11);
    for (const command of commands) {
      const help = await runCli(home, [command, '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout, command).toMatch(new RegExp(`^usage: hubtray ${command}`));
      expect(longLines(help.stdout), command).toEqual([]);
    }
    expect((await runCli(home, ['list', '--help'])).stdout).toMatch(/--all/);
    expect((await runCli(home, ['systems', '--help'])).stdout).toContain('mem=4G|16G');
  });
});
