import net from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, as JupyterHub's random_port() finds one: for servers that must
 * be told their port before they start. Another process could take it first; its server then fails to listen.
 */
export function randomPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
