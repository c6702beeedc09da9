// ssh -R over ssh2: asks the server to listen (forwardIn), and pipes each connection it hands over to a port on
// this computer.
import net from 'node:net';
import type { AcceptConnection, Client, ClientChannel, RejectConnection, TcpConnectionDetails } from 'ssh2';
import type { RemoteListener } from './ssh-connection.js';
import { SshError } from './ssh-error.js';

export async function listenRemoteOverSsh2(
  client: Client,
  label: string,
  remote: { host: string; port: number },
  local: { host: string; port: number },
  log: (line: string) => void,
): Promise<RemoteListener> {
  const { host } = remote;
  const port = await new Promise<number>((resolve, reject) => {
    try {
      client.forwardIn(host, remote.port, (err, chosen) => {
        if (!err) return resolve(remote.port || chosen);
        const why = err.message.replace(/^\(SSH\) /, '');
        reject(new SshError('channel', `${label} refused to listen on ${host}:${remote.port} for hubtray (${why}): is the port taken, or remote forwarding (AllowTcpForwarding) off there?`, { cause: err }));
      });
    } catch (err) {
      reject(new SshError('unreachable', `the connection to ${label} is closed`, { cause: err }));
    }
  });
  const description = `remote forward ${host}:${port} -> ${local.host}:${local.port}`;
  const sockets = new Set<net.Socket>();
  let closed = false;
  const onTcp = (details: TcpConnectionDetails, accept: AcceptConnection<ClientChannel>, reject: RejectConnection) => {
    // Every remote forward on this connection sees every handed-over connection; each takes only its own port's.
    if (details.destPort !== port) return;
    if (closed) return reject();
    const channel = accept();
    const socket = net.connect({ host: local.host, port: local.port });
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      channel.close();
    });
    socket.on('error', (err) => log(`ssh: ${description}: ${err.message}`));
    channel.on('error', () => {});
    channel.once('close', () => socket.destroy());
    socket.pipe(channel).pipe(socket);
  };
  client.on('tcp connection', onTcp);
  return {
    port,
    async close() {
      if (closed) return;
      closed = true;
      client.off('tcp connection', onTcp);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => {
        try {
          client.unforwardIn(host, port, () => resolve());
        } catch {
          // The connection is gone, and the server's listener with it.
          resolve();
        }
      });
    },
  };
}
