// Resolution of SshTargets against an ssh config file, as OpenSSH would resolve them.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SshError } from '../../electron/core/ssh/ssh-error.js';
import { resolveChain } from '../../electron/core/ssh/ssh-config.js';
import { sshTarget } from '../../testkit/sshd.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hubtray-ssh-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configWith(text: string): Promise<string> {
  const file = path.join(dir, `config-${Math.random().toString(36).slice(2)}`);
  await writeFile(file, text);
  return file;
}

const home = os.homedir();
const localUser = os.userInfo().username;

describe('resolveChain', () => {
  test('an alias takes HostName, User, Port, IdentityFile (several, ~ expanded), IdentitiesOnly, UserKnownHostsFile', async () => {
    const file = await configWith(`
Host web
  HostName web.example.org
  User alice
  Port 2222
  IdentityFile ~/.ssh/work_key
  IdentityFile /keys/%r@%h
  IdentitiesOnly yes
  UserKnownHostsFile ~/kh/one /tmp/kh-two
`);
    const [host, ...more] = await resolveChain(sshTarget('web'), file);
    expect(more).toEqual([]);
    expect(host).toMatchObject({
      alias: 'web',
      hostname: 'web.example.org',
      user: 'alice',
      port: 2222,
      identityFiles: [path.join(home, '.ssh/work_key'), '/keys/alice@web.example.org'],
      identityFilesConfigured: true,
      identitiesOnly: true,
      userKnownHostsFiles: [path.join(home, 'kh/one'), '/tmp/kh-two'],
    });
  });

  test('wildcards apply, the first value wins, and an unknown host falls back to defaults', async () => {
    const file = await configWith(`
Host *.cluster
  User bob
  Port 2200
Host *
  User nobody-else
  Port 1
`);
    const [node] = await resolveChain(sshTarget('n1.cluster'), file);
    expect(node).toMatchObject({ hostname: 'n1.cluster', user: 'bob', port: 2200 });
    const [plain] = await resolveChain(sshTarget('elsewhere'), await configWith(''));
    expect(plain).toMatchObject({
      hostname: 'elsewhere',
      user: localUser,
      port: 22,
      identityFiles: ['id_rsa', 'id_ecdsa', 'id_ed25519', 'id_dsa'].map((name) => path.join(home, '.ssh', name)),
      identityFilesConfigured: false,
      identitiesOnly: false,
      userKnownHostsFiles: [path.join(home, '.ssh/known_hosts'), path.join(home, '.ssh/known_hosts2')],
    });
  });

  test('explicit target fields win over the config', async () => {
    const file = await configWith('Host web\n  HostName 10.0.0.1\n  User alice\n  Port 2222\n  IdentityFile /a\n');
    const [host] = await resolveChain(sshTarget('web', { user: 'carol', port: 2022, identityFile: '/explicit' }), file);
    expect(host).toMatchObject({ hostname: '10.0.0.1', user: 'carol', port: 2022, identityFiles: ['/explicit'] });
  });

  test('a missing config file is no error', async () => {
    const [host] = await resolveChain(sshTarget('somewhere'), path.join(dir, 'does-not-exist'));
    expect(host?.hostname).toBe('somewhere');
  });

  test('ProxyJump with several hops, each hop resolved through the config, and the first hop own ProxyJump', async () => {
    const file = await configWith(`
Host target
  HostName 192.168.1.10
  ProxyJump carol@hop1:2201,hop2
Host hop1
  HostName hop1.example.org
  User ignored-because-explicit
  ProxyJump bastion
Host hop2
  HostName hop2.internal
  User dave
  Port 2202
  ProxyJump should-be-ignored
Host bastion
  HostName bastion.example.org
`);
    const chain = await resolveChain(sshTarget('target'), file);
    expect(chain.map((h) => `${h.user}@${h.hostname}:${h.port}`)).toEqual([
      `${localUser}@bastion.example.org:22`,
      'carol@hop1.example.org:2201',
      'dave@hop2.internal:2202',
      `${localUser}@192.168.1.10:22`,
    ]);
  });

  test('ProxyJump none turns off a jump set by a wildcard', async () => {
    const file = await configWith('Host direct\n  ProxyJump none\nHost * !bastion\n  ProxyJump bastion\n');
    expect((await resolveChain(sshTarget('direct'), file)).map((h) => h.hostname)).toEqual(['direct']);
    expect((await resolveChain(sshTarget('other'), file)).map((h) => h.hostname)).toEqual(['bastion', 'other']);
  });

  test('Include splices in other files (globs, relative to ~/.ssh or absolute)', async () => {
    const includes = path.join(dir, 'conf.d');
    await mkdir(includes, { recursive: true });
    await writeFile(path.join(includes, 'a.conf'), 'Host included\n  HostName included.example.org\n  Port 2345\n');
    const file = await configWith(`Include ${includes}/*.conf\n`);
    const [host] = await resolveChain(sshTarget('included'), file);
    expect(host).toMatchObject({ hostname: 'included.example.org', port: 2345 });
  });

  test.each([
    ['Host a\n  Port banana\n', /Port "banana"/],
    ['Host a\n  ProxyCommand nc %h %k\n', /ProxyCommand \(.* line 2\): "%k" is not a token this keyword takes/],
    ['Host a\n  IdentityFile ~/.ssh/${HUBTRAY_TEST_UNSET_VARIABLE}\n', /IdentityFile \(.* line 2\): the environment variable HUBTRAY_TEST_UNSET_VARIABLE is not set/],
    ['Host a\n  HostName "unclosed\n', /line 2: a quote in HostName is not closed/],
    ['Host a\n  IdentityFile ~someone-else/.ssh/id_rsa\n', /IdentityFile \(.* line 2\): hubtray cannot look up the home of "~someone-else"/],
    ['Host a\n  Port 22 23\n', /line 2: Port takes one value/],
    ['Match host a exec\n', /line 1: Match exec needs an argument/],
    ['Match all host a\n', /line 1: Match "all" cannot be combined/],
    ['Match localnetwork 10.0.0.0/8\n', /line 1: Match localnetwork is not evaluated by hubtray yet/],
    ['Host a\n  ProxyJump b\nHost b\n  ProxyJump a\n', /ProxyJump .* loop/],
  ])('a config the layer cannot honour is a config error: %j', async (text, message) => {
    const error = await resolveChain(sshTarget('a'), await configWith(text)).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SshError);
    expect(error).toMatchObject({ code: 'config', message: expect.stringMatching(message) });
  });
});

describe('what the issue saw differ from ssh -G', () => {
  test('a config that spells Hostname still has Match host see the real host name (as Match user sees User)', async () => {
    const file = await configWith(`
Host web
  Hostname web.example.org
  USER deploy
Match host web.example.org user deploy
  Port 2222
`);
    const [host] = await resolveChain(sshTarget('web'), file);
    expect(host).toMatchObject({ hostname: 'web.example.org', user: 'deploy', port: 2222 });
  });

  test('a Match exec block applies when its command exits 0, and only then', async () => {
    const file = await configWith('Match exec "test %h = yes.example"\n  Port 2222\nMatch exec false\n  User never\n');
    expect((await resolveChain(sshTarget('yes.example'), file))[0]).toMatchObject({ port: 2222, user: localUser });
    expect((await resolveChain(sshTarget('no.example'), file))[0]).toMatchObject({ port: 22 });
  });

  test('CertificateFile and ProxyCommand reach the connection, expanded; ProxyJump obtained first wins', async () => {
    const file = await configWith(`
Host behind
  HostName behind.example
  User alice
  CertificateFile ~/.ssh/%r-cert.pub
  CertificateFile /certs/%h
  ProxyCommand nc -x proxy:1080 %h %p
Host jumper
  ProxyJump behind
  ProxyCommand nc %h %p
`);
    const [host] = await resolveChain(sshTarget('behind'), file);
    expect(host).toMatchObject({
      certificateFiles: [path.join(home, '.ssh/alice-cert.pub'), '/certs/behind.example'],
      proxyCommand: 'nc -x proxy:1080 behind.example 22',
    });
    const chain = await resolveChain(sshTarget('jumper'), file);
    expect(chain.map((h) => [h.alias, h.proxyCommand])).toEqual([
      ['behind', 'nc -x proxy:1080 behind.example 22'],
      ['jumper', undefined],
    ]);
  });
});

describe('Ciphers', () => {
  const ciphersOf = async (text: string) => (await resolveChain(sshTarget('box'), await configWith(text)))[0]?.ciphers;

  test.each([
    ['aes128-ctr,aes256-gcm@openssh.com', ['aes128-ctr', 'aes256-gcm@openssh.com']],
    ['+aes128-cbc', { append: ['aes128-cbc'] }],
    ['-chacha20-poly1305@openssh.com,aes192-ctr', { remove: ['chacha20-poly1305@openssh.com', 'aes192-ctr'] }],
    // ssh2 would skip a name already in its defaults; removed first, it moves to the head.
    ['^aes256-ctr,aes128-cbc', { remove: ['aes256-ctr', 'aes128-cbc'], prepend: ['aes256-ctr', 'aes128-cbc'] }],
  ])('OpenSSH form %j becomes ssh2 algorithms.cipher %j', async (value, expected) => {
    expect(await ciphersOf(`Host box\n  Ciphers ${value}\n`)).toEqual(expected);
  });

  test('a removal may use wildcards, matched against what ssh2 supports; the first Ciphers wins; unset leaves ssh2 its defaults', async () => {
    expect(await ciphersOf('Host box\n  Ciphers -aes*-cbc,arcfour*\nHost *\n  Ciphers aes128-ctr\n')).toEqual({
      remove: ['aes256-cbc', 'aes192-cbc', 'aes128-cbc'],
    });
    expect(await ciphersOf('Host *\n  Ciphers aes128-ctr\n')).toEqual(['aes128-ctr']);
    expect(await ciphersOf('Host box\n  Port 22\n')).toBeUndefined();
  });

  test.each([
    ['aes128-ctr,rijndael-cbc@lysator.liu.se', /box: Ciphers in the ssh config names "rijndael-cbc@lysator\.liu\.se", which .*ssh2.* does not support here; it supports .*aes128-gcm@openssh\.com/],
    ['+arcfour', /box: .*"arcfour"/],
    ['^aes*', /box: .*"aes\*"/],
    ['-nonesuch', /box: .*"nonesuch"/],
    ['+', /box: Ciphers in the ssh config names no cipher/],
  ])('a cipher ssh2 cannot use is a config error naming the host and the cipher: %j', async (value, message) => {
    const error = await ciphersOf(`Host box\n  Ciphers ${value}\n`).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SshError);
    expect(error).toMatchObject({ code: 'config', message: expect.stringMatching(message) });
  });
});
