import { parseCommand, UsageError, type Command } from '../command.js';
import { withHub } from '../with-hub.js';

export const forward: Command = {
  summary: "forward one more port of a running server's host to 127.0.0.1, through the server's SSH connection",
  details: [
    'The forward lasts as long as the server: it heals with the tunnel on the same local port, a restarted hub opens it ' +
      'again, and it ends when the server does. Without --local a free port is chosen; --name labels it (default port-REMOTE_PORT).',
  ],
  usage: 'forward NAME REMOTE_PORT [--local PORT] [--name LABEL]',
  async run(argv) {
    const { values, args: [name, remote] } = parseCommand(argv, { local: { type: 'string' }, name: { type: 'string' } }, ['NAME', 'REMOTE_PORT']);
    const remotePort = portNumber(remote, 'REMOTE_PORT');
    const localPort = values.local === undefined ? undefined : portNumber(values.local, '--local');
    const info = await withHub((hub) => hub.forward({ name, remotePort, ...(localPort ? { localPort } : {}), ...(values.name ? { label: values.name } : {}) }));
    const added = info.forwards?.find((f) => f.remotePort === remotePort);
    process.stdout.write(`${name}: port ${remotePort} forwarded to ${added?.url ?? '(not open)'}${added ? ` as ${added.name}` : ''}\n`);
    return 0;
  },
};

/** A port given on the command line: digits only (the Hub checks the range, with the same words as config.json). */
export function portNumber(text: string, what: string): number {
  if (!/^\d{1,5}$/.test(text)) throw new UsageError(`${what} must be a port number, 1-65535; got "${text}"`);
  return Number(text);
}
