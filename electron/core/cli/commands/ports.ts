import { parseCommand, type Command } from '../command.js';
import { printJson, table } from '../format.js';
import { withHub } from '../with-hub.js';

export const ports: Command = {
  summary: "list the ports a running server's own processes listen on, on its host, and which are forwarded",
  details: [
    "Found from the server's process tree on its host (its descendants' listening sockets), never by scanning: a " +
      'dashboard the server started is listed, another program on the host is not. `hubtray forward NAME PORT` forwards one.',
  ],
  usage: 'ports NAME [--json]',
  async run(argv) {
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
  },
};
