// hubtray's side of the benchmark, in a process of its own like the hub: one SshPool (the tunnel layer the Hub uses)
// with local forwards, through its public API only. Prints one JSON line once every forward is up, then runs until
// SIGTERM, when it closes the pool.
//
// Usage: node tunnel-host.js '{"configPath": ..., "forwards": [{"host": "alias", "port": 1234}, ...]}'
// With HUBTRAY_BENCH_CRYPTO=js, ssh2's native crypto binding (and cpu-features) are kept from loading, so that ssh2
// takes the path it takes inside Electron, where those Node-ABI binaries do not load.
import { createRequire } from 'node:module';
import type { Server, ServerOpts, Socket } from 'node:net';
import type { PromptReply, Prompter } from '../electron/node/prompts.js';
import type { SecretStore } from '../electron/node/secrets/secret-store.js';

export interface TunnelHostSpec {
  configPath: string;
  forwards: Array<{ host: string; port: number }>;
  keepaliveIntervalSeconds: number;
  keepaliveCountMax: number;
}

export interface TunnelHostReady {
  localPorts: number[];
  /** Whether ssh2 loaded its native crypto binding in this process. */
  bindingAvailable: boolean;
  /** Whether cpu-features loaded (ssh2 uses it to order its default ciphers). */
  cpuFeatures: boolean;
}

const require = createRequire(import.meta.url);

if (process.env.HUBTRAY_BENCH_CRYPTO === 'js') {
  const Module = require('node:module') as { _extensions: Record<string, (module: unknown, filename: string) => unknown> };
  const loadNative = Module._extensions['.node']!;
  Module._extensions['.node'] = (module, filename) => {
    if (/[/\\](ssh2|cpu-features)[/\\]/.test(filename)) throw new Error(`not loaded, as in Electron: ${filename}`);
    return loadNative(module, filename);
  };
}

// Proposed changes to the SSH layer, simulated here without editing it. connect-hop.ts makes the SSH connection's
// socket with net.connect and local-forward.ts the forward's listener with net.createServer; nothing else in this
// process calls either, so wrapping those two functions reaches exactly those sockets.
// - HUBTRAY_BENCH_NODELAY=1: TCP_NODELAY on the SSH socket and on every accepted local socket;
// - HUBTRAY_BENCH_HALFOPEN=1: the listener keeps accepted sockets half-open (allowHalfOpen), so that a client's
//   shutdown(SHUT_WR) travels as an SSH EOF and the reply still comes back, as with OpenSSH;
// - HUBTRAY_BENCH_CORK=1: the writes ssh2 makes in one tick (its pure-JS AES-GCM path writes each packet as three
//   pieces: length, ciphertext, tag) leave in one writev.
const simulate = {
  noDelay: process.env.HUBTRAY_BENCH_NODELAY === '1',
  halfOpen: process.env.HUBTRAY_BENCH_HALFOPEN === '1',
  cork: process.env.HUBTRAY_BENCH_CORK === '1',
};
if (simulate.noDelay || simulate.halfOpen || simulate.cork) {
  const netModule = require('node:net') as {
    connect: (...args: unknown[]) => Socket;
    createServer: (options?: ServerOpts, listener?: (socket: Socket) => void) => Server;
  };
  const connect = netModule.connect;
  netModule.connect = (...args: unknown[]) => {
    const socket = connect(...args);
    if (simulate.noDelay) socket.setNoDelay(true);
    if (simulate.cork) coalesceWrites(socket);
    return socket;
  };
  const createServer = netModule.createServer;
  netModule.createServer = (options?: ServerOpts, listener?: (socket: Socket) => void) =>
    createServer(
      {
        ...options,
        ...(simulate.noDelay ? { noDelay: true } : {}),
        ...(simulate.halfOpen ? { allowHalfOpen: true } : {}),
      },
      listener,
    );
}

function coalesceWrites(socket: Socket): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write(...args);
  }) as Socket['write'];
}

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
const { SshPool } = await import('../electron/node/ssh/ssh-pool.js');
const pool = new SshPool({ prompter, secrets, sshConfigPath: spec.configPath, agentSocket: '' });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void pool.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

const forwards = [];
for (const forward of spec.forwards) {
  const target = {
    host: forward.host,
    connectTimeoutSeconds: 15,
    keepaliveIntervalSeconds: spec.keepaliveIntervalSeconds,
    keepaliveCountMax: spec.keepaliveCountMax,
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
