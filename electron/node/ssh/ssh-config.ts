// Resolves an SshTarget against the user's ssh config the way OpenSSH would, into the chain of hosts to connect
// through (jump hosts first, the target last). The config is read anew for every connection, so edits apply on the
// next reconnect without a restart.
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import SSHConfig from 'ssh-config';
import type { CipherAlgorithm } from 'ssh2';
import { SshError } from './errors.js';
import type { SshTarget } from './ssh-target.js';

export interface HostSettings {
  /** The name the user gave (alias or host name), for messages. */
  alias: string;
  hostname: string;
  port: number;
  user: string;
  /** Key files to offer, in order. When none were configured these are OpenSSH's default candidates. */
  identityFiles: string[];
  identityFilesConfigured: boolean;
  identitiesOnly: boolean;
  /** IdentityAgent from the config: a socket path, or 'none'. Unset means the pool's agent socket. */
  identityAgent?: string;
  /** The first file is where newly accepted host keys are recorded. */
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  hashKnownHosts: boolean;
  /** Ciphers from the config; unset means ssh2's defaults. */
  ciphers?: CipherSetting;
}

/**
 * OpenSSH's Ciphers in the form ssh2's `algorithms.cipher` takes: a list that replaces ssh2's defaults, or an edit of
 * them.
 */
export type CipherSetting =
  | CipherAlgorithm[]
  | { append: CipherAlgorithm[] }
  | { remove: CipherAlgorithm[] }
  | { remove: CipherAlgorithm[]; prepend: CipherAlgorithm[] };

// The ciphers ssh2 can use with this process's crypto library (it leaves out what OpenSSL or BoringSSL lacks). Its
// typings do not export the list.
const supportedCiphers = (createRequire(import.meta.url)('ssh2/lib/protocol/constants.js') as { SUPPORTED_CIPHER: CipherAlgorithm[] })
  .SUPPORTED_CIPHER;

const defaultIdentityNames = ['id_ed25519', 'id_ecdsa', 'id_rsa'];
const maxIncludeDepth = 16;
const maxJumpDepth = 10;

export async function resolveChain(target: SshTarget, configPath: string): Promise<HostSettings[]> {
  const config = SSHConfig.parse(await readConfigText(configPath, 0));
  return chainFor(config, target.host, { user: target.user, port: target.port, identityFile: target.identityFile }, 0);
}

interface Explicit {
  user?: string;
  port?: number;
  identityFile?: string;
}

function chainFor(config: SSHConfig, alias: string, explicit: Explicit, depth: number): HostSettings[] {
  if (depth > maxJumpDepth) throw new SshError('config', `ProxyJump for ${alias} nests deeper than ${maxJumpDepth} hops (a loop?)`);
  const { settings, proxyJump } = resolveHost(config, alias, explicit);
  if (!proxyJump) return [settings];
  const hops = proxyJump.split(',').map((hop) => parseHop(hop.trim(), alias));
  const [first, ...rest] = hops;
  if (!first) throw new SshError('config', `ProxyJump for ${alias} is empty`);
  // As in OpenSSH: the first hop is reached however the config says (its own ProxyJump included); the hops listed
  // after it are reached through the chain itself.
  return [
    ...chainFor(config, first.host, first, depth + 1),
    ...rest.map((hop) => resolveHost(config, hop.host, hop).settings),
    settings,
  ];
}

function resolveHost(config: SSHConfig, alias: string, explicit: Explicit): { settings: HostSettings; proxyJump?: string } {
  const computed = config.compute(
    explicit.user === undefined ? { Host: alias } : { Host: alias, User: explicit.user },
    // Match exec would run a shell synchronously inside the main process on every connect.
    { ignoreCase: true, matchExec: false },
  );
  const one = (key: string): string | undefined => {
    const value = computed[key];
    return Array.isArray(value) ? value.join(' ') : value;
  };
  const many = (key: string): string[] | undefined => {
    const value = computed[key];
    if (value === undefined) return undefined;
    return (Array.isArray(value) ? value : value.split(/\s+/)).filter((v) => v.length > 0);
  };

  const localUser = localUserName();
  const hostname = expandTokens(one('hostname') ?? alias, { h: alias, n: alias });
  const port = explicit.port ?? parsePort(one('port'), alias);
  const user = explicit.user ?? one('user') ?? localUser;
  const tokens = { h: hostname, n: alias, p: String(port), r: user, u: localUser };
  const expand = (value: string) => expandPath(value, tokens);

  const configuredKeys = explicit.identityFile !== undefined ? [explicit.identityFile] : (many('identityfile') ?? []);
  const sshDir = path.join(os.homedir(), '.ssh');
  const identityAgent = one('identityagent');
  const proxyJump = one('proxyjump');
  const proxyCommand = one('proxycommand');
  if ((!proxyJump || proxyJump === 'none') && proxyCommand && proxyCommand !== 'none') {
    throw new SshError('config', `${alias}: ProxyCommand is not supported; use ProxyJump in your ssh config instead`);
  }

  const settings: HostSettings = {
    alias,
    hostname,
    port,
    user,
    identityFiles:
      configuredKeys.length > 0 ? configuredKeys.map(expand) : defaultIdentityNames.map((name) => path.join(sshDir, name)),
    identityFilesConfigured: configuredKeys.length > 0,
    identitiesOnly: yes(one('identitiesonly')),
    userKnownHostsFiles: (many('userknownhostsfile') ?? ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'])
      .filter((file) => file !== 'none')
      .map(expand),
    globalKnownHostsFiles: (many('globalknownhostsfile') ?? ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'])
      .filter((file) => file !== 'none')
      .map(expand),
    hashKnownHosts: yes(one('hashknownhosts')),
  };
  const ciphers = one('ciphers');
  if (ciphers !== undefined) settings.ciphers = parseCiphers(ciphers, alias);
  if (identityAgent !== undefined) {
    settings.identityAgent = identityAgent === 'SSH_AUTH_SOCK' || identityAgent === 'none' ? identityAgent : expand(identityAgent);
  }
  return { settings, proxyJump: proxyJump && proxyJump !== 'none' ? proxyJump : undefined };
}

/**
 * OpenSSH's forms: `a,b` replaces the defaults, `+a,b` appends to them, `-a,b` removes from them (`*` and `?`
 * allowed), `^a,b` puts them first. A name ssh2 cannot use is a config error rather than a login that fails later.
 */
function parseCiphers(value: string, alias: string): CipherSetting {
  const form = /^[-+^]/.test(value) ? value.charAt(0) : '';
  const names = value
    .slice(form.length)
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  if (names.length === 0) throw new SshError('config', `${alias}: Ciphers in the ssh config names no cipher`);
  const supported = (name: string): CipherAlgorithm => {
    const cipher = supportedCiphers.find((known) => known === name);
    if (cipher) return cipher;
    throw new SshError(
      'config',
      `${alias}: Ciphers in the ssh config names "${name}", which hubtray's SSH library (ssh2) does not support here; it supports ${supportedCiphers.join(', ')}`,
    );
  };
  if (form === '-') {
    // Removing a pattern that matches nothing is harmless, as in OpenSSH.
    return { remove: names.flatMap((name) => (/[*?]/.test(name) ? supportedCiphers.filter((c) => wildcard(name).test(c)) : [supported(name)])) };
  }
  const ciphers = names.map(supported);
  if (form === '+') return { append: ciphers };
  // ssh2's prepend skips a name already in its list; removed first, each moves to the head, as in OpenSSH.
  if (form === '^') return { remove: ciphers, prepend: ciphers };
  return ciphers;
}

/** `*` and `?` as OpenSSH's patterns mean them, everything else literal. */
function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`);
}

/** `[user@]host[:port]`, `[v6addr]:port` or `ssh://[user@]host[:port]`, as ProxyJump accepts. */
function parseHop(hop: string, alias: string): Explicit & { host: string } {
  const rest = hop.replace(/^ssh:\/\//, '');
  const at = rest.lastIndexOf('@');
  const user = at >= 0 ? rest.slice(0, at) : undefined;
  const hostPort = at >= 0 ? rest.slice(at + 1) : rest;
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort) ?? /^([^:]+)(?::(\d+))?$/.exec(hostPort);
  if (!match?.[1]) throw new SshError('config', `ProxyJump for ${alias}: cannot read the hop "${hop}"`);
  return {
    host: match[1],
    ...(user ? { user } : {}),
    ...(match[2] ? { port: parsePort(match[2], alias) } : {}),
  };
}

function parsePort(value: string | undefined, alias: string): number {
  if (value === undefined) return 22;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SshError('config', `${alias}: Port "${value}" in the ssh config is not a port number`);
  }
  return port;
}

function yes(value: string | undefined): boolean {
  return value?.toLowerCase() === 'yes';
}

function localUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'root';
  }
}

/** OpenSSH's `%` tokens, for the ones that mean something here. */
function expandTokens(value: string, tokens: Record<string, string>): string {
  const all: Record<string, string> = {
    '%': '%',
    d: os.homedir(),
    u: localUserName(),
    l: os.hostname(),
    ...(process.getuid ? { i: String(process.getuid()) } : {}),
    ...tokens,
  };
  return value.replace(/%(.)/g, (whole, token: string) => all[token] ?? whole);
}

/** `~`, `%` tokens and `${ENV}`, as OpenSSH expands IdentityFile, UserKnownHostsFile and friends. */
export function expandPath(value: string, tokens: Record<string, string> = {}): string {
  const withHome = value === '~' || value.startsWith('~/') ? os.homedir() + value.slice(1) : value;
  return expandTokens(withHome, tokens).replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => process.env[name] ?? '');
}

async function readConfigText(file: string, depth: number): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new SshError('config', `cannot read ssh config ${file}: ${(err as Error).message}`, { cause: err });
  }
  // ssh-config does not follow Include; splice the included files in where the directive stands, as OpenSSH does.
  const lines = await Promise.all(
    text.split(/\r?\n/).map(async (line) => {
      const include = /^\s*include(?:\s*=\s*|\s+)(.+?)\s*$/i.exec(line);
      if (!include?.[1]) return line;
      if (depth >= maxIncludeDepth) throw new SshError('config', `${file}: Include nests deeper than ${maxIncludeDepth} files`);
      const files = await globFiles(include[1]);
      const texts = await Promise.all(files.map((included) => readConfigText(included, depth + 1)));
      return texts.join('\n');
    }),
  );
  return lines.join('\n');
}

/** Include's patterns: relative to ~/.ssh, with `*` and `?` in the file name part. */
async function globFiles(patterns: string): Promise<string[]> {
  const found: string[] = [];
  for (const raw of patterns.match(/"[^"]*"|\S+/g) ?? []) {
    const expanded = expandPath(raw.replace(/^"|"$/g, ''));
    const pattern = path.isAbsolute(expanded) ? expanded : path.join(os.homedir(), '.ssh', expanded);
    const dir = path.dirname(pattern);
    const base = path.basename(pattern);
    if (!/[*?]/.test(base)) {
      found.push(pattern);
      continue;
    }
    const re = wildcard(base);
    const names = await readdir(dir).catch(() => [] as string[]);
    found.push(...names.filter((name) => re.test(name)).sort().map((name) => path.join(dir, name)));
  }
  return found;
}
