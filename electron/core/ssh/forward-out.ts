// A direct-tcpip channel (ssh -W, ssh -L): the server connects to host:port and the channel carries that connection.
// Shared by the forwards and by a chain's hops behind a jump host.
import type { Client, ClientChannel } from 'ssh2';
import { SshError } from './ssh-error.js';

/** `via` names the server in messages. */
export function forwardOut(client: Client, via: string, srcIP: string, srcPort: number, host: string, port: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      client.forwardOut(srcIP, srcPort, host, port, (err, channel) => {
        if (!err) return resolve(channel);
        const reason = (err as Error & { reason?: number }).reason;
        if (reason === 1) {
          return reject(
            new SshError('channel', `${via} refuses to forward connections to ${host}:${port} (is AllowTcpForwarding off there?)`, {
              cause: err,
            }),
          );
        }
        const code = reason === 2 ? 'unreachable' : 'channel';
        reject(new SshError(code, `${via} could not connect to ${host}:${port}: ${err.message.replace(/^\(SSH\) /, '')}`, { cause: err }));
      });
    } catch (err) {
      reject(new SshError('unreachable', `the connection to ${via} is closed`, { cause: err }));
    }
  });
}
