import { parseCommand, UsageError } from '../command.js';
import { withHub } from '../with-hub.js';

export async function run(argv: string[]): Promise<number> {
  const { values, args: [name, remote] } = parseCommand(argv, { local: { type: 'string' }, name: { type: 'string' } }, ['NAME', 'REMOTE_PORT']);
  const remotePort = portNumber(remote, 'REMOTE_PORT');
  const localPort = values.local === undefined ? undefined : portNumber(values.local, '--local');
  const info = await withHub((hub) => hub.forward({ name, remotePort, ...(localPort ? { localPort } : {}), ...(values.name ? { label: values.name } : {}) }));
  const added = info.forwards?.find((f) => f.remotePort === remotePort);
  process.stdout.write(`${name}: port ${remotePort} forwarded to ${added?.url ?? '(not open)'}${added ? ` as ${added.name}` : ''}\n`);
  return 0;
}

/** A port given on the command line: digits only (the Hub checks the range, with the same words as config.json). */
export function portNumber(text: string, what: string): number {
  if (!/^\d{1,5}$/.test(text)) throw new UsageError(`${what} must be a port number, 1-65535; got "${text}"`);
  return Number(text);
}
