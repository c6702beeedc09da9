// One side of the ssh2 patch comparison (ssh2-patch.ts): ssh2 itself, loaded from a given directory (the installed,
// patched copy or an unpatched one), with one local forward per remote port and nothing of hubtray around it, so that
// only ssh2 differs between the variants. TCP_NODELAY on the SSH socket, as hubtray's connect-hop sets it.
// Usage: node ssh2-forwarder.js '{"ssh2Dir": ..., "pureJs": bool, "port": N, "keyPath": ..., "remotePorts": [...]}'
// Prints {"localPorts": [...], "bindingAvailable": bool} once the forwards listen; runs until SIGTERM.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import type { Client as Ssh2Client } from 'ssh2';
import { blockNativeSsh2Crypto } from './as-in-electron.js';

export interface ForwarderSpec {
  ssh2Dir: string;
  pureJs: boolean;
  port: number;
  keyPath: string;
  remotePorts: number[];
}

const spec = JSON.parse(process.argv[2] ?? '') as ForwarderSpec;
if (spec.pureJs) blockNativeSsh2Crypto();
const load = createRequire(path.join(spec.ssh2Dir, 'package.json'));
const { Client } = load('./lib/index.js') as { Client: new () => Ssh2Client };
const { bindingAvailable } = load('./lib/protocol/crypto.js') as { bindingAvailable: boolean };

const client = new Client();
client.on('error', (err) => {
  process.stderr.write(`ssh2: ${err.message}\n`);
  process.exit(1);
});
process.on('SIGTERM', () => process.exit(0));
client.on('ready', async () => {
  const localPorts: number[] = [];
  for (const remotePort of spec.remotePorts) {
    const server = net.createServer({ noDelay: true, allowHalfOpen: true }, (socket) => {
      client.forwardOut('127.0.0.1', 0, '127.0.0.1', remotePort, (err, channel) => {
        if (err) return socket.destroy();
        socket.pipe(channel).pipe(socket);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    localPorts.push((server.address() as net.AddressInfo).port);
  }
  process.stdout.write(`${JSON.stringify({ localPorts, bindingAvailable })}\n`);
});
client.connect({
  sock: net.connect({ host: '127.0.0.1', port: spec.port, noDelay: true }),
  username: 'root',
  privateKey: readFileSync(spec.keyPath),
});
