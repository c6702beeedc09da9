import { parseCommand } from '../command.js';
import { printJson, table } from '../format.js';
import { withHub } from '../with-hub.js';

export async function run(argv: string[]): Promise<number> {
  const { values, args: [name] } = parseCommand(argv, { json: { type: 'boolean' } }, ['NAME']);
  const [found, servers] = await withHub((hub) => Promise.all([hub.listeningPorts({ name }), hub.listServers({})]));
  if (values.json) {
    printJson(found);
    return 0;
  }
  if (found.ports.length === 0) {
    process.stdout.write(`${name}: its processes listen on no port besides its own\n`);
    return 0;
  }
  const forwards = servers.find((s) => s.name === name)?.forwards ?? [];
  const rows = found.ports.map((port) => {
    const forward = forwards.find((f) => f.remotePort === port);
    return [String(port), forward ? forward.name : '-', forward?.url ?? `hubtray forward ${name} ${port}`];
  });
  process.stdout.write(`${table(['PORT', 'FORWARD', 'URL'], rows)}\n`);
  return 0;
}
