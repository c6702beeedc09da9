// The fidelity rule: every keyword OpenSSH knows is in hubtray's table (honoured, refused by name, or of no effect),
// the table is what docs/ssh.md shows, and each refusal names the keyword, its line and the way out.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { keywordRule, keywordRules, type KeywordRule } from '../../electron/core/ssh/ssh-config-keywords.js';
import { resolveChain, resolveForTransport } from '../../electron/core/ssh/ssh-config.js';
import { sshTarget } from '../../testkit/sshd.js';
import { corpus, oracleHome, sshG, type OracleHome } from './configs/openssh.js';

const run = promisify(execFile);
const manPage = '/usr/share/man/man5/ssh_config.5.gz';
const names = new Set(keywordRules.map((rule) => rule.name.toLowerCase()));

let home: OracleHome;
let dir: string;
beforeAll(async () => {
  home = await oracleHome();
  dir = await mkdtemp(path.join(os.tmpdir(), 'hubtray-ssh-keywords-'));
});
afterAll(async () => {
  await home.cleanup();
  await rm(dir, { recursive: true, force: true });
});

async function configWith(text: string): Promise<string> {
  const file = path.join(dir, `config-${Math.random().toString(36).slice(2)}`);
  await writeFile(file, text);
  return file;
}

const resolve = async (text: string) => resolveChain(sshTarget('h'), await configWith(text), { home: home.home, env: home.env });

describe('the keyword table against OpenSSH here', () => {
  test('names every keyword `ssh -G` prints, for a config that sets the ones it prints only when set', async () => {
    const printed = new Set<string>();
    for (const host of ['somehost', 'jumping']) {
      const result = await sshG(home, path.join(corpus, 'every-keyword-set.conf'), host);
      if (!result.ok) throw new Error(result.stderr);
      for (const key of result.dump.keys()) printed.add(key);
    }
    expect(printed.size).toBeGreaterThan(90);
    expect([...printed].filter((key) => !names.has(key))).toEqual([]);
  });

  test.skipIf(!existsSync(manPage))('names every keyword of `man ssh_config`', async () => {
    const { stdout } = await run('zcat', [manPage]);
    const documented = [...stdout.matchAll(/^\.It Cm (\S+)/gm)].map((m) => (m[1] ?? '').toLowerCase());
    expect(documented.length).toBeGreaterThan(90);
    expect(documented.filter((key) => !names.has(key))).toEqual([]);
  });

  test('holds only keywords this OpenSSH knows, but for those marked newer than 9.2', async () => {
    const wrong: string[] = [];
    for (let i = 0; i < keywordRules.length; i += 8) {
      await Promise.all(
        keywordRules.slice(i, i + 8).map(async (rule) => {
          const result = await sshG(home, await configWith(`Host *\n  ${rule.name} x\n`), 'somehost');
          const known = result.ok || !result.stderr.includes('Bad configuration option');
          if (known === Boolean(rule.newerThan92)) wrong.push(rule.name);
        }),
      );
    }
    const { stderr: version } = await run('ssh', ['-V']);
    expect(wrong, `the marks are for OpenSSH 9.2; this machine has ${version.trim()}`).toEqual([]);
  });
});

/** The keyword section of docs/ssh.md, from the table. */
function rendered(): string {
  const effect = (rule: KeywordRule) => {
    if (rule.aliasOf) return `as \`${rule.aliasOf}\``;
    const text = rule.unless ? `${rule.effect} unless ${rule.unless.text}` : rule.effect;
    return rule.newerThan92 ? `${text} (OpenSSH newer than 9.2)` : text;
  };
  const rows = [...keywordRules]
    .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()))
    .map((rule) => `| \`${rule.name}\` | ${effect(rule)} | ${rule.note.replaceAll('|', '\\|')} |`);
  return ['| keyword | effect | what hubtray does |', '|---|---|---|', ...rows].join('\n');
}

test('docs/ssh.md shows the keyword table as the code has it', async () => {
  const docs = await readFile(path.join(import.meta.dirname, '../../docs/ssh.md'), 'utf8');
  const table = /<!-- keyword table: .* -->\n([^]*?)\n<!-- end of keyword table -->/.exec(docs)?.[1];
  expect(table, 'docs/ssh.md must hold the table between its markers; the expected text is below').toBe(rendered());
});

describe('a refusal', () => {
  const refused = keywordRules.filter((rule) => keywordRule(rule.name)?.effect === 'refused');

  test.each(refused.map((rule) => rule.name))('%s names the keyword, the file and line, and the way out', async (name) => {
    const error = await resolve(`# a comment\nHost h\n  ${name} yes\n`).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'config', message: expect.stringMatching(new RegExp(`^h: ${name} yes \\(.*config-\\w+ line 3\\) .+; to connect, `)) });
  });

  test.each(refused.flatMap((rule) => (keywordRule(rule.name)?.unless?.suggest ? [rule.name] : [])))(
    '%s is not refused with the value the refusal suggests',
    async (name) => {
      const suggest = keywordRule(name)?.unless?.suggest ?? '';
      await expect(resolve(`Host h\n  ${name} ${suggest}\n`)).resolves.toHaveLength(1);
    },
  );
});

describe('a keyword only the system\'s OpenSSH does', () => {
  const throughOpenSsh = keywordRules.filter((rule) => rule.effect === 'through OpenSSH');

  test.each(throughOpenSsh.map((rule) => rule.name))('%s is listed for ssh_transport auto, and refused for ssh2 naming ssh_transport', async (name) => {
    const file = await configWith(`Host h\n  ${name} yes\n`);
    const { needsOpenSsh } = await resolveForTransport(sshTarget('h'), file, { home: home.home, env: home.env });
    expect(needsOpenSsh).toEqual([expect.stringMatching(new RegExp(`^${name} yes \\(.*config-\\w+ line 2\\)$`))]);
    await expect(resolveChain(sshTarget('h'), file, { home: home.home, env: home.env })).rejects.toMatchObject({
      code: 'config',
      message: expect.stringMatching(new RegExp(`^h: ${name} yes \\(.*line 2\\) needs the system's OpenSSH, .*set "ssh_transport" to "auto" or "openssh"`)),
    });
  });
});

test('a keyword of no effect leaves the resolution as it was without it', async () => {
  const [plain] = await resolve('');
  const changed: string[] = [];
  for (const rule of keywordRules.filter((r) => keywordRule(r.name)?.effect === 'no effect')) {
    const [withIt] = await resolve(`Host h\n  ${rule.name} x\n`);
    if (JSON.stringify(withIt) !== JSON.stringify(plain)) changed.push(rule.name);
  }
  expect(changed).toEqual([]);
});
