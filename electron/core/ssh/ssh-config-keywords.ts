// Every ssh_config keyword OpenSSH 9 knows, and what hubtray does with it: honours it as OpenSSH does, leaves the
// host to the system's OpenSSH (which does what ssh2 cannot), refuses the host naming the keyword, or has no use for it. One table, so that nothing in a user's config is silently ignored;
// docs/ssh.md shows the same table and a test keeps the two, and `ssh -G`, in step.
import { keepsSsh2Defaults, widensOnly } from './ssh-config-algorithms.js';

/** 'through OpenSSH': the host is logged in to with the system's OpenSSH (ssh_transport auto or openssh), refused with ssh2. */
export type KeywordEffect = 'honoured' | 'no effect' | 'refused' | 'through OpenSSH';

/** When a refused keyword is harmless after all: its value leaves hubtray doing what OpenSSH would. */
export interface Unless {
  /** For docs/ssh.md, e.g. "`no`". */
  text: string;
  test: (args: readonly string[]) => boolean;
  /** A value to suggest in the refusal; without one the refusal says to remove the keyword. */
  suggest?: string;
}

export interface KeywordRule {
  /** As ssh_config(5) spells it; OpenSSH and hubtray match keywords case-insensitively. */
  name: string;
  effect: KeywordEffect;
  /** What hubtray does with it, for docs/ssh.md; for a refusal, what it needs that hubtray lacks. */
  note: string;
  unless?: Unless;
  /** Another spelling OpenSSH reads as this keyword. */
  aliasOf?: string;
  /** Added to OpenSSH after 9.2, the version the oracle tests run here. */
  newerThan92?: true;
}

const throughOpenSsh = "the system's OpenSSH logs in to the host (ssh_transport auto, the default, or openssh)";
const connectionLayer = "is not passed to hubtray's connection yet";
const forwards = 'hubtray makes its own forwards';
const session = 'hubtray opens no interactive session';
const keepalive = "hubtray's own connect_timeout, keepalive_interval and keepalive_count_max decide (docs/ssh.md)";
// Sharing is an optimisation, never what makes a login work: hubtray keeps one pooled connection per host of its own,
// and `Host * ControlMaster auto` is in countless configs that must keep working.
const ownMaster =
  "hubtray keeps its own pooled connection per host (with the system's OpenSSH, a master of its own under HUBTRAY_HOME) and does not share your ssh sessions' control socket";
const onlyWith = (keyword: string) => `only used with ${keyword}, which the system's OpenSSH does`;
const login = "hubtray's login tries what the server offers, in OpenSSH's default order (docs/ssh.md)";

const flagOff = (...off: string[]): Unless => ({
  text: off.map((value) => `\`${value}\``).join(' or '),
  test: (args) => off.includes(args[0]?.toLowerCase() ?? ''),
  suggest: off[0] ?? 'no',
});
const no = flagOff('no', 'false');
const none = flagOff('none');

function honoured(name: string, note: string, extra: Partial<KeywordRule> = {}): KeywordRule {
  return { name, effect: 'honoured', note, ...extra };
}
function noEffect(name: string, note: string, extra: Partial<KeywordRule> = {}): KeywordRule {
  return { name, effect: 'no effect', note, ...extra };
}
function refused(name: string, note: string, unless?: Unless, extra: Partial<KeywordRule> = {}): KeywordRule {
  return { name, effect: 'refused', note, ...(unless ? { unless } : {}), ...extra };
}
/** What only OpenSSH's own client does: with ssh_transport ssh2 it is refused as `refused` rules are. */
function viaOpenSsh(name: string, note: string, unless: Unless): KeywordRule {
  return { name, effect: 'through OpenSSH', note, unless };
}
function alias(name: string, of: string): KeywordRule {
  return { name, effect: 'honoured', note: `read as ${of}`, aliasOf: of };
}
const deprecated = (name: string) => noEffect(name, 'deprecated: OpenSSH ignores it');
const unsupported = (name: string) => noEffect(name, 'unsupported: OpenSSH warns and ignores it');

export const keywordRules: readonly KeywordRule[] = [
  noEffect('AddKeysToAgent', 'hubtray never adds keys to the agent; the login works the same'),
  refused('AddressFamily', connectionLayer, flagOff('any')),
  noEffect('BatchMode', 'hubtray asks through its own prompts (the window, the CLI), never on a terminal'),
  refused('BindAddress', connectionLayer),
  refused('BindInterface', connectionLayer),
  noEffect('CanonicalDomains', 'only used by CanonicalizeHostname, which is refused'),
  noEffect('CanonicalizeFallbackLocal', 'only used by CanonicalizeHostname, which is refused'),
  refused('CanonicalizeHostname', 'needs DNS look-ups and a second reading of the config, which hubtray does not do yet', no),
  noEffect('CanonicalizeMaxDots', 'only used by CanonicalizeHostname, which is refused'),
  noEffect('CanonicalizePermittedCNAMEs', 'only used by CanonicalizeHostname, which is refused'),
  refused('CASignatureAlgorithms', connectionLayer, widensOnly),
  honoured('CertificateFile', 'every one that applies, in order, with `~`, tokens and `${ENV}` expanded (the login offers them)'),
  noEffect('CheckHostIP', 'hubtray checks the host key under the host name only; the extra IP check only warns'),
  honoured('Ciphers', 'passed to ssh2 in its forms (Ciphers, above)'),
  noEffect('ClearAllForwardings', forwards),
  noEffect('Compression', 'the connection works the same uncompressed'),
  noEffect('ConnectionAttempts', 'a link retries by itself, with backoff'),
  noEffect('ConnectTimeout', keepalive),
  noEffect('ControlMaster', ownMaster),
  noEffect('ControlPath', ownMaster),
  noEffect('ControlPersist', ownMaster),
  noEffect('DynamicForward', forwards),
  noEffect('EnableEscapeCommandline', session),
  noEffect('EnableSSHKeysign', onlyWith('HostbasedAuthentication')),
  noEffect('EscapeChar', session),
  noEffect('ExitOnForwardFailure', forwards),
  noEffect('FingerprintHash', 'hubtray shows SHA256 fingerprints'),
  noEffect('ForkAfterAuthentication', session),
  noEffect('ForwardAgent', "hubtray's commands and servers do not get the agent (a server outlives the session that would carry it)"),
  noEffect('ForwardX11', session),
  noEffect('ForwardX11Timeout', session),
  noEffect('ForwardX11Trusted', session),
  noEffect('GatewayPorts', forwards),
  honoured('GlobalKnownHostsFile', '`~` expanded; `none` means none'),
  viaOpenSsh('GSSAPIAuthentication', `Kerberos: ${throughOpenSsh}, with the ticket of this computer's user (KRB5CCNAME)`, no),
  noEffect('GSSAPIClientIdentity', onlyWith('GSSAPIAuthentication')),
  noEffect('GSSAPIDelegateCredentials', onlyWith('GSSAPIAuthentication')),
  noEffect('GSSAPIKexAlgorithms', onlyWith('GSSAPIKeyExchange')),
  viaOpenSsh('GSSAPIKeyExchange', `Kerberos key exchange: ${throughOpenSsh}`, no),
  noEffect('GSSAPIRenewalForcesRekey', onlyWith('GSSAPIKeyExchange')),
  noEffect('GSSAPIServerIdentity', onlyWith('GSSAPIAuthentication')),
  noEffect('GSSAPITrustDns', onlyWith('GSSAPIAuthentication')),
  honoured('HashKnownHosts', 'new known_hosts entries are hashed'),
  honoured('Host', 'a block for the names it lists: `*`, `?` and `!` as OpenSSH, case-sensitive, against the name as given (against the HostName in a final pass)'),
  noEffect('HostbasedAcceptedAlgorithms', onlyWith('HostbasedAuthentication')),
  viaOpenSsh('HostbasedAuthentication', `needs ssh-keysign: ${throughOpenSsh}`, no),
  refused('HostKeyAlgorithms', connectionLayer, keepsSsh2Defaults('serverHostKey')),
  refused('HostKeyAlias', 'is not used for host key checks yet (hubtray checks the key under the host name)'),
  honoured('Hostname', '`%h` and `%%` expanded; lower-cased as OpenSSH does'),
  honoured('IdentitiesOnly', 'only the configured keys (and their certificates) are offered, not the agent\'s others'),
  honoured('IdentityAgent', '`none`, `SSH_AUTH_SOCK`, `$VAR`, or a path with `~`, tokens and `${ENV}` expanded'),
  honoured('IdentityFile', 'every one that applies, in order, with `~`, tokens and `${ENV}` expanded; without one, OpenSSH\'s defaults that ssh2 can load (`~/.ssh/id_rsa`, `id_ecdsa`, `id_ed25519`, `id_dsa`)'),
  honoured('IgnoreUnknown', 'unknown keywords it matches are skipped, as OpenSSH skips them'),
  honoured('Include', 'reads the files where it stands (glob patterns; relative paths are in `~/.ssh`)'),
  noEffect('IPQoS', 'hubtray leaves the TOS bits to the system'),
  noEffect('KbdInteractiveAuthentication', login),
  noEffect('KbdInteractiveDevices', login),
  refused('KexAlgorithms', connectionLayer, keepsSsh2Defaults('kex')),
  viaOpenSsh('KnownHostsCommand', throughOpenSsh, none),
  noEffect('LocalCommand', session),
  noEffect('LocalForward', forwards),
  noEffect('LogLevel', 'hubtray writes its own log (hub.log)'),
  noEffect('LogVerbose', 'hubtray writes its own log (hub.log)'),
  refused('MACs', connectionLayer, keepsSsh2Defaults('hmac')),
  honoured('Match', 'a block for its criteria: `all`, `canonical`, `final`, `exec`, `host`, `originalhost`, `user`, `localuser`, `tagged`, each negated with `!`; `exec` runs in `$SHELL -c` (or /bin/sh) with tokens expanded and a 5 s limit, exit status 0 matching; `localnetwork` is refused'),
  refused('NoHostAuthenticationForLocalhost', 'would skip host key checks for localhost; hubtray checks every host', no),
  noEffect('NumberOfPasswordPrompts', login),
  noEffect('ObscureKeystrokeTiming', session, { newerThan92: true }),
  noEffect('PasswordAuthentication', login),
  noEffect('PermitLocalCommand', session),
  noEffect('PermitRemoteOpen', forwards),
  viaOpenSsh('PKCS11Provider', `a PKCS#11 library (smart card, token): ${throughOpenSsh}; the token's PIN is asked through hubtray's prompt`, none),
  honoured('Port', 'a number from 1 to 65535'),
  noEffect('PreferredAuthentications', login),
  honoured('ProxyCommand', '`%h`, `%n`, `%p`, `%r` and `%%` expanded; `none` means none; the first of ProxyCommand and ProxyJump obtained wins'),
  honoured('ProxyJump', 'a list of `[user@]host[:port]` or `ssh://` hops, each resolved through the config as OpenSSH does; `none` means none'),
  viaOpenSsh('ProxyUseFdpass', throughOpenSsh, no),
  refused('PubkeyAcceptedAlgorithms', connectionLayer, widensOnly),
  noEffect('PubkeyAuthentication', login),
  noEffect('RekeyLimit', 'ssh2 rekeys on its own schedule'),
  noEffect('RemoteCommand', 'hubtray runs its own commands'),
  noEffect('RemoteForward', forwards),
  noEffect('RequestTTY', session),
  refused('RequiredRSASize', 'is not enforced by ssh2', {
    text: 'at most 1024 (the default)',
    test: (args) => Number(args[0]) <= 1024,
    suggest: '1024',
  }),
  refused('RevokedHostKeys', 'is not checked by hubtray yet (known_hosts `@revoked` lines are)', none),
  viaOpenSsh('SecurityKeyProvider', `a FIDO library: ${throughOpenSsh} (as it does for an \`sk-\` key file)`, flagOff('internal', 'none')),
  noEffect('SendEnv', 'hubtray\'s commands set the environment they need'),
  noEffect('ServerAliveCountMax', keepalive),
  noEffect('ServerAliveInterval', keepalive),
  noEffect('SessionType', session),
  noEffect('SetEnv', "hubtray's commands set the environment they need"),
  noEffect('StdinNull', session),
  noEffect('StreamLocalBindMask', forwards),
  noEffect('StreamLocalBindUnlink', forwards),
  refused('StrictHostKeyChecking', "is stricter than hubtray, which records a new host's key on first use (as `accept-new`) and never lets a changed one through", flagOff('accept-new', 'ask', 'no', 'off', 'false')),
  honoured('Tag', 'the tag that `Match tagged` tests', { newerThan92: true }),
  noEffect('SyslogFacility', 'hubtray writes its own log (hub.log)'),
  noEffect('TCPKeepAlive', keepalive),
  noEffect('Tunnel', forwards),
  noEffect('TunnelDevice', forwards),
  noEffect('UpdateHostKeys', 'hubtray records the key it is shown and learns no others'),
  honoured('User', 'as given; OpenSSH 9.2 expands no tokens in it'),
  honoured('UserKnownHostsFile', '`~`, tokens and `${ENV}` expanded; `none` means none; the first file is where new keys are recorded'),
  noEffect('VerifyHostKeyDNS', "hubtray records a new host's key on first use whatever the DNS says"),
  noEffect('VisualHostKey', 'hubtray shows fingerprints in its own words'),
  noEffect('XAuthLocation', session),
  noEffect('ChannelTimeout', 'hubtray closes its own idle channels', { newerThan92: true }),
  alias('ChallengeResponseAuthentication', 'KbdInteractiveAuthentication'),
  alias('DSAAuthentication', 'PubkeyAuthentication'),
  alias('HostbasedKeyTypes', 'HostbasedAcceptedAlgorithms'),
  alias('IdentityFile2', 'IdentityFile'),
  alias('KeepAlive', 'TCPKeepAlive'),
  alias('ProtocolKeepAlives', 'ServerAliveInterval'),
  alias('PubkeyAcceptedKeyTypes', 'PubkeyAcceptedAlgorithms'),
  alias('SetupTimeOut', 'ServerAliveInterval'),
  alias('SkeyAuthentication', 'KbdInteractiveAuthentication'),
  alias('SmartcardDevice', 'PKCS11Provider'),
  alias('TISAuthentication', 'KbdInteractiveAuthentication'),
  deprecated('Cipher'),
  deprecated('FallBackToRsh'),
  deprecated('GlobalKnownHostsFile2'),
  deprecated('Protocol'),
  deprecated('RhostsAuthentication'),
  deprecated('UseBlacklistedKeys'),
  deprecated('UsePrivilegedPort'),
  deprecated('UserKnownHostsFile2'),
  deprecated('UseRoaming'),
  deprecated('UseRsh'),
  unsupported('AFSTokenPassing'),
  unsupported('CompressionLevel'),
  unsupported('KerberosAuthentication'),
  unsupported('KerberosTGTPassing'),
  unsupported('RhostsRSAAuthentication'),
  unsupported('RSAAuthentication'),
];

const byName = new Map(keywordRules.map((rule) => [rule.name.toLowerCase(), rule]));

/** The rule for a keyword as written in a config, an alias resolved to what it stands for; undefined if unknown. */
export function keywordRule(keyword: string): KeywordRule | undefined {
  const rule = byName.get(keyword.toLowerCase());
  return rule?.aliasOf ? byName.get(rule.aliasOf.toLowerCase()) : rule;
}
