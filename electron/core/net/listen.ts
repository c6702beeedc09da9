// Listening on 127.0.0.1 only, on a port chosen before when there is one: what the personal hub and the labs' TLS
// relays share (the remote side reaches them through hubtray's own forwards, or a public_api_url the user set up).
import type { AddressInfo, Server } from 'node:net';

/** Resolves with the port; rejects when `port` (non-zero) is taken. */
export function listenOnLoopback(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      server.removeListener('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
