// A ProxyCommand for tests: a link that delivers what the server sends in bursts, as a mobile link, a congested
// jump host or a loaded machine does. Usage: node bursty-link.mjs HOST PORT QUIET_MS. The client's bytes go through
// at once; the server's are held until it has sent nothing for QUIET_MS (at most ten times that), then written as
// one chunk: whatever the server sends in one go (an answer, a command's output, its exit status and close) arrives
// in one read.
import net from 'node:net';

const [host, port, quiet] = process.argv.slice(2);
const quietMs = Number(quiet);
const socket = net.connect({ host, port: Number(port) });
let held = [];
let quietTimer;
let longestTimer;
const flush = () => {
  clearTimeout(quietTimer);
  clearTimeout(longestTimer);
  longestTimer = undefined;
  if (held.length > 0) process.stdout.write(Buffer.concat(held));
  held = [];
};
socket.on('data', (chunk) => {
  held.push(chunk);
  clearTimeout(quietTimer);
  quietTimer = setTimeout(flush, quietMs);
  longestTimer ??= setTimeout(flush, quietMs * 10);
});
socket.on('close', () => {
  flush();
  process.stdout.end();
});
socket.on('error', () => process.exit(1));
process.stdin.on('data', (chunk) => socket.write(chunk));
process.stdin.on('end', () => socket.end());
