// "Add an SSH host" offers the hosts a person already named in ~/.ssh/config, as VS Code's Remote-SSH does: the
// concrete Host names, in the order written, Include files followed; patterns and negations are not hosts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sshHostAliases } from '../../electron/core/ssh/ssh-config-aliases.js';

const home = mkdtempSync(join(tmpdir(), 'hubtray-aliases-'));
mkdirSync(join(home, '.ssh', 'config.d'), { recursive: true });
afterAll(() => rmSync(home, { recursive: true, force: true }));

function config(name: string, text: string): string {
  const file = join(home, '.ssh', name);
  writeFileSync(file, text);
  return file;
}

describe("the Host aliases of a person's ssh config", () => {
  it('lists concrete names in order, without patterns, negations or Match blocks, following Include', async () => {
    config('config.d/20-lab', 'Host lab-gpu lab-cpu\n  User me\n');
    config('config.d/10-work', 'Host work\n  HostName work.example.org\n');
    config('config.d/.hidden', 'Host hidden\n');
    const file = config(
      'config',
      [
        '# my hosts',
        'Host cluster',
        '  HostName login.cluster.example.org',
        'Host *.internal !bastion.internal dev-? bastion',
        '  ProxyJump bastion',
        'Host=cluster',
        'Include config.d/*',
        'Match host cluster exec "true"',
        '  User other',
        'Host *',
        '  ServerAliveInterval 30',
      ].join('\n'),
    );
    expect(await sshHostAliases(file, home)).toEqual(['cluster', 'bastion', 'work', 'lab-gpu', 'lab-cpu']);
  });

  it('lists nothing for a missing or unreadable config, rather than failing the editor', async () => {
    expect(await sshHostAliases(join(home, 'no-such-config'), home)).toEqual([]);
    expect(await sshHostAliases(join(home, '.ssh'), home)).toEqual([]);
  });

  it('skips an Include whose file is missing, as OpenSSH does', async () => {
    const file = config('refused', 'Host good\nInclude missing-file\n');
    expect(await sshHostAliases(file, home)).toEqual(['good']);
  });
});
