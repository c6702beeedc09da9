// hubtray's side of the benchmark, in a process of its own like the hub: one SshPool (the tunnel layer the Hub uses)
// with local forwards, through its public API only. Prints one JSON line once every forward is up, then runs until
// SIGTERM or the end of its stdin, when it closes the pool.
//
// Usage: node tunnel-host.js '{"configPath": ..., "forwards": [{"host": "alias", "port": 1234}, ...]}'
// With HUBTRAY_BENCH_CRYPTO=js, ssh2's native crypto binding (and cpu-features) are kept from loading, so that ssh2
// takes the path it takes inside Electron, where those Node-ABI binaries do not load.
//
// For benchmark 5 (link restore): a line "network-changed" on stdin calls pool.networkChanged(), as the Hub does when
// its network watch sees the local addresses change; with "reportHealth": true in the spec, every health change of
// the first forward is printed as a JSON line {"health": ..., "at": epoch ms}.
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import type { TunnelHealth } from '../shared/api.js';
import { blockNativeSsh2Crypto } from './as-in-electron.js';
import type { PromptReply, Prompter } from '../electron/core/prompts/prompter.js';
import type { SecretStore } from '../electron/core/secrets/secret-store.js';

export interface TunnelHostSpec {
  configPath: string;
  forwards: Array<{ host: string; port: number }>;
  keepaliveIntervalSeconds: number;
  keepaliveCountMax: number;
  reportHealth?: boolean;
  /** ssh_transport of the forwards' targets; default: the pool's (ssh2 unless the host's config needs OpenSSH). */
  transport?: 'ssh2' | 'openssh';
}

export interface TunnelHostReady {
  localPorts: number[];
  /** Whether ssh2 loaded its native crypto binding in this process. */
  bindingAvailable: boolean;
  /** Whether cpu-features loaded (ssh2 uses it to order its default ciphers). */
  cpuFeatures: boolean;
}

export interface TunnelHostHealth {
  health: TunnelHealth;
  at: number;
}

const require = createRequire(import.meta.url);

if (process.env.HUBTRAY_BENCH_CRYPTO === 'js') blockNativeSsh2Crypto();

/** Key authentication only: any prompt is a set-up error. */
const prompter: Prompter = {
  ask(request): Promise<PromptReply> {
    return Promise.reject(new Error(`the benchmark answers no prompts (asked: ${request.title})`));
  },
};

/** Nothing is stored: key authentication needs no secrets. */
const secrets: SecretStore = {
  get: () => Promise.resolve(null),
  set: () => Promise.reject(new Error('the benchmark stores no secrets')),
  delete: () => Promise.resolve(false),
};

const spec = JSON.parse(process.argv[2] ?? '') as TunnelHostSpec;
const { SshPool } = await import('../electron/core/ssh/ssh-pool.js');
const pool = new SshPool({ prompter, secrets, sshConfigPath: spec.configPath, agentSocket: '' });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void pool.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The benchmark holds the other end: if it dies, so does this process.
createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (line.trim() === 'network-changed') void pool.networkChanged();
  })
  .on('close', stop);

const forwards = [];
for (const forward of spec.forwards) {
  const target = {
    host: forward.host,
    connectTimeoutSeconds: 15,
    keepaliveIntervalSeconds: spec.keepaliveIntervalSeconds,
    keepaliveCountMax: spec.keepaliveCountMax,
    ...(spec.transport ? { transport: spec.transport } : {}),
  };
  forwards.push(await pool.forwardLocal(target, { host: '127.0.0.1', port: forward.port }));
}

const cryptoModule = require('ssh2/lib/protocol/crypto.js') as { bindingAvailable: boolean };
const ready: TunnelHostReady = {
  localPorts: forwards.map((f) => f.localPort),
  bindingAvailable: cryptoModule.bindingAvailable,
  cpuFeatures: Object.keys(require.cache).some((file) => /[/\\]cpu-features[/\\].*\.node$/.test(file)),
};
process.stdout.write(`${JSON.stringify(ready)}\n`);
if (spec.reportHealth) {
  forwards[0]?.onHealth((health) => process.stdout.write(`${JSON.stringify({ health, at: Date.now() } satisfies TunnelHostHealth)}\n`));
}
