// Resolves an SshTarget against the user's ssh config the way OpenSSH 9 would, into the chain of hosts to connect
// through (jump hosts first, the target last). Every keyword is honoured as OpenSSH does, refused naming its file and
// line, or listed as having no effect on hubtray (ssh-config-keywords.ts). The config is read anew for every
// connection, so edits apply on the next reconnect without a restart.
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseCiphers, type CipherSetting } from './ssh-config-algorithms.js';
import { keywordRule, type KeywordRule } from './ssh-config-keywords.js';
import { matchExecTimeoutMs, runMatchExec, type MatchContext } from './ssh-config-match.js';
import { at, type Where } from './ssh-config-parse.js';
import { ConfigFiles, Obtained, type Setting } from './ssh-config-read.js';
import { connectionHash, expand, expandTilde, type TokenValues } from './ssh-config-tokens.js';
import { SshError } from './ssh-error.js';
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
  /** IdentityAgent from the config: a socket path, 'SSH_AUTH_SOCK' or 'none'. Unset means the pool's agent socket. */
  identityAgent?: string;
  /** The first file is where newly accepted host keys are recorded. */
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  hashKnownHosts: boolean;
  /** Ciphers from the config; unset means ssh2's defaults. */
  ciphers?: CipherSetting;
  /**
   * ProxyCommand with OpenSSH's tokens expanded: run by the user's shell, its stdin/stdout is the connection. Unset
   * when the host has none (or `none`), or when a ProxyJump was obtained first, as in OpenSSH.
   */
  proxyCommand?: string;
  /** CertificateFile entries, expanded, in order; the `KEY-cert.pub` beside each key is looked for at login. */
  certificateFiles: string[];
}

/** The local side OpenSSH reads: the passwd entry (not $HOME), this machine's name, the environment. */
export interface Locals {
  home: string;
  user: string;
  uid: number;
  hostname: string;
  env: NodeJS.ProcessEnv;
  matchExecTimeoutMs: number;
}

// The candidates of OpenSSH 9.2 without the kinds ssh2 cannot load (security keys, XMSS), in its order.
const defaultIdentityNames = ['id_rsa', 'id_ecdsa', 'id_ed25519', 'id_dsa'];
const maxJumpDepth = 10;

/** The chain for ssh2; a keyword only the system's OpenSSH does is refused, naming ssh_transport as a way out. */
export async function resolveChain(target: SshTarget, configPath: string, locals: Partial<Locals> = {}): Promise<HostSettings[]> {
  return (await resolve(target, configPath, locals, undefined)).chain;
}

export interface Resolution {
  chain: HostSettings[];
  /** The settings that need the system's OpenSSH, e.g. "GSSAPIAuthentication yes (~/.ssh/config line 3)"; empty if none. */
  needsOpenSsh: string[];
}

/** As resolveChain, but a keyword only the system's OpenSSH does is listed instead of refused (ssh_transport auto). */
export async function resolveForTransport(target: SshTarget, configPath: string, locals: Partial<Locals> = {}): Promise<Resolution> {
  return resolve(target, configPath, locals, []);
}

async function resolve(target: SshTarget, configPath: string, locals: Partial<Locals>, needsOpenSsh: string[] | undefined): Promise<Resolution> {
  const local = { ...localSide(), ...locals };
  const resolver = new Resolver(new ConfigFiles(configPath, local.home), local, needsOpenSsh);
  const chain = await resolver.chainFor(target.host, { user: target.user, port: target.port, identityFile: target.identityFile }, 0);
  return { chain, needsOpenSsh: needsOpenSsh ?? [] };
}

function localSide(): Locals {
  const base = { hostname: os.hostname(), env: process.env, matchExecTimeoutMs: matchExecTimeoutMs };
  try {
    const info = os.userInfo();
    return { ...base, home: info.homedir, user: info.username, uid: info.uid };
  } catch {
    // No passwd entry (a container's arbitrary uid): what the environment says.
    return { ...base, home: os.homedir(), user: process.env.USER ?? 'root', uid: process.getuid?.() ?? 0 };
  }
}

interface Explicit {
  user?: string;
  port?: number;
  identityFile?: string;
}

/** A value from hubtray's settings for the system (or a ProxyJump hop), which OpenSSH would get on its command line. */
function given(keyword: string, value: string, shown: string): Setting {
  return { keyword, args: [value], rest: value, shown, line: 0 };
}

class Resolver {
  constructor(
    private readonly files: ConfigFiles,
    private readonly local: Locals,
    /** Where a setting only OpenSSH does is listed; without it, such a setting is refused. */
    private readonly needsOpenSsh: string[] | undefined,
  ) {}

  async chainFor(alias: string, explicit: Explicit, depth: number): Promise<HostSettings[]> {
    if (depth > maxJumpDepth) throw new SshError('config', `ProxyJump for ${alias} nests deeper than ${maxJumpDepth} hops (a loop?)`);
    const { settings, jump } = await this.resolveHost(alias, explicit);
    if (!jump) return [settings];
    const hops = jump.hops.map((hop) => parseHop(hop, alias, jump.where));
    const [first, ...rest] = hops;
    if (!first) throw new SshError('config', `${at(jump.where)}: ProxyJump for ${alias} is empty`);
    // As OpenSSH's `ssh -J a,b,c`: c is reached through `-J a,b`, b through `-J a`; only the first hop is reached the
    // way the config says (its own ProxyJump or ProxyCommand included).
    const later = await Promise.all(
      rest.map(async (hop, i) => {
        const through = given('ProxyJump', hops.slice(0, i + 1).map((h) => h.spec).join(','), jump.where.shown);
        return (await this.resolveHost(hop.host, hop, through)).settings;
      }),
    );
    return [...(await this.chainFor(first.host, first, depth + 1)), ...later, settings];
  }

  private async resolveHost(alias: string, explicit: Explicit, through?: Setting): Promise<{ settings: HostSettings; jump?: { hops: string[]; where: Where } }> {
    const { obtained, hostname } = await this.obtain(alias, explicit, through);
    const settings = this.hostSettings(alias, explicit, obtained, hostname);
    const proxy = { h: hostname, n: alias, p: String(settings.port), r: settings.user };
    const jumpSetting = obtained.get('proxyjump');
    const jumpText = jumpSetting?.rest.replace(/#.*$/, '').trim();
    if (jumpSetting && jumpText !== undefined && jumpText.toLowerCase() !== 'none') {
      const hops = expand(jumpText, { what: `ProxyJump (${at(jumpSetting)})`, tokens: proxy }).split(',').map((hop) => hop.trim());
      return { settings, jump: { hops, where: jumpSetting } };
    }
    const command = obtained.get('proxycommand');
    const commandText = command?.rest.replace(/^[ \t\r\n=]*/, '');
    if (command && commandText && commandText.toLowerCase() !== 'none') {
      settings.proxyCommand = expand(commandText, { what: `ProxyCommand (${at(command)})`, tokens: proxy });
    }
    return { settings };
  }

  /** What the config obtains for `alias`, in one pass or, when it asks for one, two; refused if hubtray cannot honour it. */
  private async obtain(alias: string, explicit: Explicit, through: Setting | undefined): Promise<{ obtained: Obtained; hostname: string }> {
    const obtained = new Obtained();
    const system = `hubtray's settings for ${alias}`;
    if (explicit.user !== undefined) obtained.preset('user', given('User', explicit.user, system));
    if (explicit.port !== undefined) obtained.preset('port', given('Port', String(explicit.port), system));
    if (through) obtained.preset('proxyjump', through);

    const state = { host: alias, obtained, wantFinal: false, match: () => this.matchContext(alias, obtained, undefined) };
    await this.files.pass(state);
    const hostname = finalHostname(obtained.get('hostname'), alias);
    if (state.wantFinal) {
      // OpenSSH's final pass: Host lines now see the host name, and what the first pass obtained stays.
      obtained.preset('hostname', given('Hostname', hostname, system));
      await this.files.pass({ ...state, host: hostname, match: () => this.matchContext(alias, obtained, hostname) });
    }
    refuseWhatCannotBeHonoured(obtained, alias, this.needsOpenSsh);
    return { obtained, hostname };
  }

  private hostSettings(alias: string, explicit: Explicit, obtained: Obtained, hostname: string): HostSettings {
    const port = parsePort(obtained.get('port'));
    const user = obtained.get('user')?.args[0] ?? this.local.user;
    const keyAlias = obtained.get('hostkeyalias')?.args[0]?.toLowerCase() ?? alias;
    const tokens = this.tokens({ h: hostname, n: alias, p: String(port), r: user, k: keyAlias });
    const { home, env, user: localUser } = this.local;
    const file = (setting: Setting, value = setting.args[0] ?? '') => expand(value, { what: `${setting.keyword} (${at(setting)})`, tokens, env, home, localUser });

    const keys = explicit.identityFile !== undefined ? [given('IdentityFile', explicit.identityFile, `hubtray's settings for ${alias}`)] : obtained.all('identityfile');
    const settings: HostSettings = {
      alias,
      hostname,
      port,
      user,
      identityFiles: keys.length > 0 ? keys.map((setting) => file(setting)) : defaultIdentityNames.map((name) => path.join(home, '.ssh', name)),
      identityFilesConfigured: keys.length > 0,
      identitiesOnly: flag(obtained.get('identitiesonly')),
      userKnownHostsFiles: fileList(obtained.get('userknownhostsfile'), file) ?? [path.join(home, '.ssh/known_hosts'), path.join(home, '.ssh/known_hosts2')],
      // OpenSSH expands only `~` here.
      globalKnownHostsFiles: fileList(obtained.get('globalknownhostsfile'), (setting, value) =>
        expandTilde(value, { what: `${setting.keyword} (${at(setting)})`, home, localUser }),
      ) ?? ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'],
      hashKnownHosts: flag(obtained.get('hashknownhosts')),
      certificateFiles: obtained.all('certificatefile').map((setting) => file(setting)),
    };
    const ciphers = obtained.get('ciphers');
    if (ciphers) settings.ciphers = parseCiphers(ciphers.args[0] ?? '', alias);
    const agent = obtained.get('identityagent');
    if (agent) settings.identityAgent = this.identityAgent(file(agent));
    return settings;
  }

  /** The tokens of OpenSSH's connection info, with the host's own. */
  private tokens(host: Required<Pick<TokenValues, 'h' | 'n' | 'p' | 'r' | 'k'>>): TokenValues {
    const l = this.local.hostname;
    return { ...host, C: connectionHash({ l, h: host.h, p: host.p, r: host.r }), L: l.split('.')[0] ?? l, d: this.local.home, i: String(this.local.uid), l, u: this.local.user };
  }

  private matchContext(alias: string, obtained: Obtained, finalHostname: string | undefined): MatchContext {
    const hostnameSoFar = obtained.get('hostname');
    const host = finalHostname ?? (hostnameSoFar ? expandHostname(hostnameSoFar, alias) : alias);
    const user = obtained.get('user')?.args[0] ?? this.local.user;
    const port = String(parsePort(obtained.get('port')));
    const tokens = this.tokens({ h: host, n: alias, p: port, r: user, k: obtained.get('hostkeyalias')?.args[0] ?? host });
    return {
      host,
      originalHost: alias,
      user,
      localUser: this.local.user,
      tag: obtained.get('tag')?.args[0] ?? '',
      final: finalHostname !== undefined,
      expandExec: (command, where) => expand(command, { what: `Match exec (${at(where)})`, tokens }),
      exec: (command, where) =>
        runMatchExec(command, where, { shell: this.local.env.SHELL ?? '/bin/sh', env: this.local.env, timeoutMs: this.local.matchExecTimeoutMs }),
    };
  }

  /** `SSH_AUTH_SOCK` and `none` as they are; `$NAME`, OpenSSH's older form, read from the environment now. */
  private identityAgent(value: string): string {
    if (value === 'SSH_AUTH_SOCK' || value === 'none' || !value.startsWith('$')) return value;
    return this.local.env[value.slice(1)] ?? 'none';
  }
}

function expandHostname(setting: Setting, alias: string): string {
  return expand(setting.args[0] ?? '', { what: `${setting.keyword} (${at(setting)})`, tokens: { h: alias } });
}

/** OpenSSH lower-cases the host name, and writes an IPv6 address in its canonical form. */
function finalHostname(setting: Setting | undefined, alias: string): string {
  const hostname = setting ? expandHostname(setting, alias) : alias;
  if (!net.isIPv6(hostname)) return hostname.toLowerCase();
  // An address with a zone (`fe80::1%eth0`) is no URL host; it stays as written.
  return hostname.includes('%') ? hostname : new URL(`http://[${hostname}]`).hostname.slice(1, -1);
}

function refuseWhatCannotBeHonoured(obtained: Obtained, alias: string, needsOpenSsh: string[] | undefined): void {
  for (const [name, setting] of obtained.entries()) {
    const rule = keywordRule(name);
    if (!rule || rule.unless?.test(setting.args)) continue;
    if (rule.effect === 'through OpenSSH' && needsOpenSsh) needsOpenSsh.push(`${setting.keyword} ${setting.args.join(' ')} (${at(setting)})`);
    else if (rule.effect === 'refused' || rule.effect === 'through OpenSSH') throw refusal(rule, setting, alias);
  }
}

function refusal(rule: KeywordRule, setting: Setting, alias: string): SshError {
  const suggest = rule.unless?.suggest;
  const change = suggest
    ? `set "${rule.name} ${suggest}" for ${alias} above that line (a "Host ${alias}" block: the first value obtained wins), or remove it`
    : `remove it from the blocks that apply to ${alias}`;
  if (rule.effect === 'through OpenSSH') {
    return new SshError(
      'config',
      `${alias}: ${setting.keyword} ${setting.args.join(' ')} (${at(setting)}) needs the system's OpenSSH, and the system says "ssh_transport": "ssh2"; to connect, set "ssh_transport" to "auto" or "openssh", or ${change}`,
    );
  }
  // The system's OpenSSH honours every keyword it knows.
  return new SshError('config', `${alias}: ${setting.keyword} ${setting.args.join(' ')} (${at(setting)}) ${rule.note}; to connect, ${change}, or set "ssh_transport": "openssh" for the system`);
}

/** UserKnownHostsFile and GlobalKnownHostsFile: several files on one line, or `none` alone. */
function fileList(setting: Setting | undefined, expandOne: (setting: Setting, value: string) => string): string[] | undefined {
  if (!setting) return undefined;
  if (setting.args.some((value) => value.toLowerCase() === 'none')) {
    if (setting.args.length > 1) throw new SshError('config', `${at(setting)}: ${setting.keyword} "none" must stand alone; OpenSSH refuses this line too`);
    return [];
  }
  return setting.args.map((value) => expandOne(setting, value));
}

function flag(setting: Setting | undefined): boolean {
  if (!setting) return false;
  const value = setting.args[0]?.toLowerCase();
  if (value === 'no' || value === 'false') return false;
  if (value === 'yes' || value === 'true') return true;
  throw new SshError('config', `${at(setting)}: ${setting.keyword} "${setting.args[0]}" is not yes or no; OpenSSH refuses this line too`);
}

function parsePort(setting: Setting | undefined): number {
  if (!setting) return 22;
  const value = setting.args[0] ?? '';
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new SshError('config', `${at(setting)}: Port "${value}" in the ssh config is not a port number`);
  }
  return port;
}

/** `[user@]host[:port]`, `[v6addr]:port` or `ssh://[user@]host[:port]`, as ProxyJump accepts. */
function parseHop(spec: string, alias: string, where: Where): Explicit & { host: string; spec: string } {
  const rest = spec.replace(/^ssh:\/\//, '');
  const atSign = rest.lastIndexOf('@');
  const user = atSign >= 0 ? rest.slice(0, atSign) : undefined;
  const hostPort = atSign >= 0 ? rest.slice(atSign + 1) : rest;
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort) ?? /^([^:]+)(?::(\d+))?$/.exec(hostPort);
  if (!match?.[1]) throw new SshError('config', `${at(where)}: ProxyJump for ${alias}: cannot read the hop "${spec}"`);
  return {
    host: match[1],
    spec,
    ...(user ? { user } : {}),
    ...(match[2] ? { port: parsePort({ ...where, keyword: 'ProxyJump', args: [match[2]], rest: match[2] }) } : {}),
  };
}
