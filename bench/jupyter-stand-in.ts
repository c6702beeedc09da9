// A stand-in for `jupyter server`, for the idle-hub benchmark (idle-hub.ts): 50 servers there must not cost 50 real
// Jupyter processes, since that benchmark measures the hub, not its servers. It does what the hub needs of a Jupyter
// server and nothing more:
// - takes the flags a `local` system's spawner appends (--ip=… --port=N --port-retries=0 --no-browser) and fails
//   on any other, as Jupyter does; a port that is taken ends it with status 1 (no retries);
// - answers GET /api, GET /api/status and GET /api/kernels (as Jupyter with no kernels: []) with 200 and a JSON body
//   when the request carries the token of its environment (JUPYTER_TOKEN) in `Authorization: token T` or
//   `?token=T`, 403 otherwise; anything else is a 404;
// - counts the requests it gets, by method and path (the query left out), and on SIGUSR2 writes the counts since it
//   started to STAND_IN_COUNTS_DIR/PID.json (atomically, by a rename): the culler benchmark's reading, taken outside
//   HTTP so that reading them is no request of its own (only with that variable set: else SIGUSR2 ends it, as any
//   process);
// - prints one line when it listens, then nothing (its log sits in HUBTRAY_HOME/run/…/log), and exits on SIGINT or
//   SIGTERM, as the hub's stop escalates.
// Usage: node jupyter-stand-in.js --ip=127.0.0.1 --port=N [--port-retries=0] [--no-browser]
import { renameSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';

function parseArgs(argv: string[]): { ip: string; port: number } {
  let ip = 'localhost';
  let port = 8888;
  for (const arg of argv) {
    const [flag, value] = arg.split(/=(.*)/s) as [string, string | undefined];
    if (flag === '--ip' && value) ip = value;
    else if (flag === '--port' && value && /^\d+$/.test(value)) port = Number(value);
    else if (flag === '--port-retries' && value === '0') continue;
    else if (flag === '--no-browser' && value === undefined) continue;
    else {
      process.stderr.write(`jupyter-stand-in: unrecognized argument ${arg}\n`);
      process.exit(2);
    }
  }
  return { ip, port };
}

const { ip, port } = parseArgs(process.argv.slice(2));
const token = process.env.JUPYTER_TOKEN ?? '';
const started = new Date().toISOString();

function authorized(req: http.IncomingMessage, url: URL): boolean {
  if (token === '') return false;
  const header = /^token\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
  return header === token || url.searchParams.get('token') === token;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Requests by "METHOD /path", since the start. */
const counts: Record<string, number> = {};
const countsDir = process.env.STAND_IN_COUNTS_DIR;

function writeCounts(dir: string): void {
  const file = join(dir, `${process.pid}.json`);
  writeFileSync(`${file}.tmp`, JSON.stringify(counts));
  renameSync(`${file}.tmp`, file);
}

const server = http.createServer({ keepAlive: true }, (req, res) => {
  const url = new URL(req.url ?? '/', 'http://stand-in');
  const path = url.pathname.replace(/\/+$/, '');
  const key = `${req.method ?? '?'} ${path.slice(0, 100)}`;
  counts[key] = (counts[key] ?? 0) + 1;
  if (req.method !== 'GET' || (path !== '/api' && path !== '/api/status' && path !== '/api/kernels')) return send(res, 404, { message: 'Not Found' });
  if (!authorized(req, url)) return send(res, 403, { message: 'Forbidden' });
  if (path === '/api') return send(res, 200, { version: 'stand-in' });
  if (path === '/api/kernels') return send(res, 200, []);
  send(res, 200, { started, last_activity: started, connections: 0, kernels: 0 });
});

server.once('error', (error) => {
  process.stderr.write(`jupyter-stand-in: ${error.message}\n`);
  process.exit(1);
});
server.listen({ host: ip, port }, () => process.stdout.write(`jupyter-stand-in: listening on http://${ip}:${port}/\n`));

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));
if (countsDir) process.on('SIGUSR2', () => writeCounts(countsDir));
