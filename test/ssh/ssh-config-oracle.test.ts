// The oracle: for configs written like real sites' (test/ssh/configs/), hubtray's resolution of each host against
// `ssh -G` of the same config on this machine, hop by hop of a ProxyJump chain; where hubtray refuses, the refusal
// names the keyword and its line while OpenSSH takes the config.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CipherSetting } from '../../electron/core/ssh/ssh-config-algorithms.js';
import { resolveChain, type HostSettings } from '../../electron/core/ssh/ssh-config.js';
import { sshTarget } from '../../testkit/sshd.js';
import { corpus, expandAsSsh, one, oracleHome, sshG, type Dump, type OracleHome } from './configs/openssh.js';

interface HostCase {
  host: string;
  /** As hubtray's system settings give them, and `ssh -l`/`-p` do. */
  user?: string;
  port?: number;
  /** hubtray refuses the host; OpenSSH takes the config. */
  refused?: { keyword: string; line: number };
  /** OpenSSH refuses the config too; hubtray's message says this. */
  bothRefuse?: RegExp;
}

interface ConfigCase {
  file: string;
  world: string;
  hosts: (string | HostCase)[];
}

const cases: ConfigCase[] = [
  { file: 'site-2012.conf', world: 'a site config from 2012 that spells Hostname', hosts: ['login', 'gpu-01', 'gpu-1', 'elsewhere'] },
  { file: 'keyword-case.conf', world: 'keywords and Match criteria in every case, with = separators', hosts: ['upper', 'lower', 'mixed', 'UPPER'] },
  {
    file: 'match-user.conf',
    world: 'Match user and localuser, by an earlier User line or by the system settings',
    hosts: ['build', 'build-as-me', { host: 'build-as-me', user: 'deploy' }, { host: 'build', user: 'depot', port: 2022 }],
  },
  { file: 'match-exec.conf', world: 'a laptop whose Match exec tests where it is', hosts: ['intranet', 'wiki', 'db', 'other'] },
  { file: 'match-final.conf', world: 'Match final and canonical, which see the real host name', hosts: ['web', 'other', 'web.example.org'] },
  { file: 'includes.conf', world: 'a config split into conf.d files (Include with globs and relative paths)', hosts: ['lab-1', 'lab-2', 'cloud', 'alice-box', 'zoe-box', 'inside', 'elsewhere'] },
  { file: 'tokens.conf', world: 'tokens in every keyword that takes them', hosts: ['tok', 'percent', 'tok-agent-env'] },
  { file: 'proxyjump.conf', world: 'ProxyJump lists through bastions, with users, ports, ssh:// and [v6] hops', hosts: ['inner', 'deep', 'v6', '%-user', 'db.internal', 'jump2.internal'] },
  { file: 'none-values.conf', world: '`none` values that switch off what a catch-all block sets', hosts: ['direct', 'cmdnone', 'jumpnone', 'anything', 'gateway'] },
  { file: 'proxycommand.conf', world: 'a company proxy: ProxyCommand, and the first of it and ProxyJump winning', hosts: ['cmd-first', 'jump-first', 'quoted', 'www.outside'] },
  { file: 'wildcards.conf', world: "a cluster's aliases, wildcards, quoted names, negations and an IPv6 address", hosts: ['node01', 'node00', 'nodeX', 'head', 'www.example.com', 'Node01', 'v6-literal'] },
  {
    file: 'refused-gssapi.conf',
    world: 'a university with Kerberos (GSSAPIAuthentication is refused by name)',
    hosts: ['plain.uni.example', { host: 'kerb.uni.example', refused: { keyword: 'GSSAPIAuthentication', line: 5 } }],
  },
  {
    file: 'controlmaster.conf',
    world: 'shared connections for speed in `Host *` (no effect: hubtray pools its own)',
    hosts: ['nomux', 'shared'],
  },
  {
    file: 'canonicalize.conf',
    world: 'CanonicalizeHostname completing short names (refused by name)',
    hosts: ['plain', { host: '192.0.2.10', refused: { keyword: 'CanonicalizeHostname', line: 3 } }, { host: 'proxied', refused: { keyword: 'CanonicalizeHostname', line: 9 } }],
  },
  {
    file: 'algorithms.conf',
    world: 'old gear that needs ssh-rsa and a legacy key exchange',
    hosts: ['old-switch', 'hardened', { host: 'legacy', refused: { keyword: 'KexAlgorithms', line: 8 } }, { host: 'hardened-macs', refused: { keyword: 'MACs', line: 13 } }],
  },
  { file: 'no-effect.conf', world: "a power user's session conveniences, which change nothing for hubtray", hosts: ['box'] },
  { file: 'ignore-unknown.conf', world: "a config shared with a Mac's OpenSSH (IgnoreUnknown UseKeychain)", hosts: ['anything'] },
  { file: 'unknown-keyword.conf', world: 'a misspelt keyword', hosts: [{ host: 'typo', bothRefuse: /line 4: "IdentiyFile" is not an ssh_config keyword/ }] },
];

let home: OracleHome;
let opensshCiphers: string[];
beforeAll(async () => {
  home = await oracleHome();
  const empty = await sshG(home, '/dev/null', 'nowhere');
  if (!empty.ok) throw new Error(empty.stderr);
  opensshCiphers = one(empty.dump, 'ciphers')?.split(',') ?? [];
});
afterAll(async () => {
  await home.cleanup();
});

/** What the tests compare of one hop, in hubtray's terms. */
interface Resolved {
  hostname: string;
  port: number;
  user: string;
  identityFiles: string[];
  identitiesOnly: boolean;
  identityAgent: string | undefined;
  certificateFiles: string[];
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  proxyCommand: string | undefined;
  /** As the list OpenSSH would offer. */
  ciphers: string[];
}

const opensshDefaultKeys = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_xmss', 'id_dsa'].map((name) => `~/.ssh/${name}`);
const ssh2LoadableKeys = ['id_rsa', 'id_ecdsa', 'id_ed25519', 'id_dsa'].map((name) => `~/.ssh/${name}`);

function fromOracle(dump: Dump, hostArg: string): Resolved {
  const files = { env: true, tilde: true, tokens: 'CLdhiklnpru' };
  const keys = dump.get('identityfile') ?? [];
  const isDefault = keys.join() === opensshDefaultKeys.join();
  const list = (key: string) => (one(dump, key) === 'none' ? [] : (one(dump, key)?.split(' ') ?? []));
  const agent = one(dump, 'identityagent');
  const command = one(dump, 'proxycommand');
  return {
    hostname: one(dump, 'hostname') ?? '',
    port: Number(one(dump, 'port')),
    user: one(dump, 'user') ?? '',
    identityFiles: (isDefault ? ssh2LoadableKeys : keys).map((key) => expandAsSsh(key, dump, hostArg, home, files)),
    identitiesOnly: one(dump, 'identitiesonly') === 'yes',
    identityAgent: agent?.startsWith('$') ? (home.env[agent.slice(1)] ?? 'none') : agent,
    certificateFiles: (dump.get('certificatefile') ?? []).map((file) => expandAsSsh(file, dump, hostArg, home, files)),
    userKnownHostsFiles: list('userknownhostsfile'),
    globalKnownHostsFiles: list('globalknownhostsfile').map((file) => expandAsSsh(file, dump, hostArg, home, { env: false, tilde: true, tokens: '' })),
    proxyCommand: command === undefined || command === 'none' ? undefined : expandAsSsh(command, dump, hostArg, home, { env: false, tilde: false, tokens: 'hnpr' }),
    ciphers: one(dump, 'ciphers')?.split(',') ?? [],
  };
}

function fromHubtray(hop: HostSettings): Resolved {
  return {
    hostname: hop.hostname,
    port: hop.port,
    user: hop.user,
    identityFiles: hop.identityFiles,
    identitiesOnly: hop.identitiesOnly,
    identityAgent: hop.identityAgent,
    certificateFiles: hop.certificateFiles,
    userKnownHostsFiles: hop.userKnownHostsFiles,
    globalKnownHostsFiles: hop.globalKnownHostsFiles,
    proxyCommand: hop.proxyCommand,
    ciphers: cipherList(hop.ciphers),
  };
}

/** hubtray's ssh2 form applied to OpenSSH's defaults: what OpenSSH's own form makes of them. */
function cipherList(setting: CipherSetting | undefined): string[] {
  if (setting === undefined) return opensshCiphers;
  if (Array.isArray(setting)) return setting;
  if ('append' in setting) return [...opensshCiphers, ...setting.append.filter((c) => !opensshCiphers.includes(c))];
  const rest = opensshCiphers.filter((c) => !setting.remove.includes(c as never));
  return 'prepend' in setting ? [...setting.prepend, ...rest] : rest;
}

/** `[user@]host[:port]`, `[v6]:port`, `ssh://…`: a hop as ssh's -J reads it. */
function hopSpec(spec: string): { host: string; args: string[] } {
  const bare = spec.replace(/^ssh:\/\//, '');
  const atSign = bare.lastIndexOf('@');
  const hostPort = bare.slice(atSign + 1);
  const [, host = hostPort, port] = /^\[(.+)\](?::(\d+))?$/.exec(hostPort) ?? /^([^:]+)(?::(\d+))?$/.exec(hostPort) ?? [];
  return { host, args: [...(atSign >= 0 ? ['-l', bare.slice(0, atSign)] : []), ...(port ? ['-p', port] : [])] };
}

/** OpenSSH's chain: the target's ProxyJump last hop reached with `ssh -J <the hops before it>`, as ssh itself does. */
async function oracleChain(config: string, host: string, args: string[]): Promise<Resolved[]> {
  const result = await sshG(home, config, host, args);
  if (!result.ok) throw new Error(`ssh -G ${host} failed: ${result.stderr}`);
  const jump = one(result.dump, 'proxyjump');
  const self = fromOracle(result.dump, host);
  if (!jump) return [self];
  const hops = expandAsSsh(jump, result.dump, host, home, { env: false, tilde: false, tokens: 'hnpr' }).split(',');
  const last = hopSpec(hops.pop() ?? '');
  return [...(await oracleChain(config, last.host, [...last.args, ...(hops.length > 0 ? ['-J', hops.join(',')] : [])])), self];
}

describe.each(cases)('$world ($file)', ({ file, hosts }) => {
  const config = path.join(corpus, file);
  test.each(hosts.map((h) => (typeof h === 'string' ? { host: h } : h)))('$host', async ({ host, user, port, refused, bothRefuse }) => {
    const target = sshTarget(host, { ...(user ? { user } : {}), ...(port ? { port } : {}) });
    const args = [...(user ? ['-l', user] : []), ...(port ? ['-p', String(port)] : [])];
    const resolution = () => resolveChain(target, config, { home: home.home, env: home.env });
    if (bothRefuse) {
      expect((await sshG(home, config, host, args)).ok).toBe(false);
      await expect(resolution()).rejects.toThrow(bothRefuse);
      return;
    }
    if (refused) {
      expect((await sshG(home, config, host, args)).ok).toBe(true);
      await expect(resolution()).rejects.toThrow(new RegExp(`${refused.keyword} .*${file} line ${refused.line}\\)`));
      return;
    }
    expect((await resolution()).map(fromHubtray)).toEqual(await oracleChain(config, host, args));
  });
});
