// The TCP ports a server's own process tree listens on, found on its host as VS Code's ports view finds them: the
// descendants of the server's PID (from /proc/*/stat), their sockets (from /proc/PID/fd), and which of those sockets
// are listening (from /proc/net/tcp and tcp6). Never a scan of ports: a listener outside the tree is not offered.
// Linux hosts only; elsewhere the script finds nothing. One bounded, read-only script per ask.
import { boundedScript } from './bounded-script.js';

const HOST_SECONDS = 5;
const MAX_OUTPUT_BYTES = 4096;
/** At most this many ports are reported: a tree that listens on more is not a dashboard to offer. */
const MAX_PORTS = 64;

/**
 * The tree's root: the server's PID where hubtray knows it (it started the server itself), else the process that
 * listens on the server's port (a batch job's server, started by the job script on its node).
 */
export type PortsRoot = { pid: number } | { port: number };

// Hexadecimal to a number, in awk (mawk has no strtonum).
const HEX = 'function hex(s,  i, n) { n = 0; for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789ABCDEF", toupper(substr(s, i, 1))) - 1; return n }';

export function listeningPortsScript(root: PortsRoot): string {
  const findRoot =
    'pid' in root
      ? `root=${root.pid}`
      : [
          // State 0A is LISTEN; the local address is HEX:PORT in hexadecimal; the inode is the tenth field.
          `inode=$(awk '${HEX} $4 == "0A" { split($2, a, ":"); if (hex(a[2]) == ${root.port}) { print $10; exit } }' /proc/net/tcp /proc/net/tcp6 2>/dev/null)`,
          `root=; [ -n "$inode" ] && for d in /proc/[0-9]*; do if ls -l $d/fd 2>/dev/null | grep -q "socket:\\[$inode\\]"; then root=\${d#/proc/}; break; fi; done`,
          '[ -n "$root" ] || exit 0',
        ].join('\n');
  const body = [
    findRoot,
    // Every process's parent: after the last ") " of its stat line (the command may hold spaces and parentheses), the
    // second field. Then the tree under the root, by repeated passes.
    `tree=$(cat /proc/[0-9]*/stat 2>/dev/null | awk -v root=$root '{ p = $1; sub(/.*\\) /, ""); parent[p] = $2 } END { keep[root] = 1; more = 1; while (more) { more = 0; for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; more = 1 } } for (p in keep) print p }')`,
    `inodes=$(for p in $tree; do ls -l /proc/$p/fd 2>/dev/null; done | sed -n 's/.*socket:\\[\\([0-9]*\\)\\].*/\\1/p' | tr '\\n' ' ')`,
    `awk -v inodes=" $inodes " '${HEX} $4 == "0A" && index(inodes, " " $10 " ") { split($2, a, ":"); print "PORT", hex(a[2]) }' /proc/net/tcp /proc/net/tcp6 2>/dev/null`,
  ].join('\n');
  return boundedScript(body, HOST_SECONDS, MAX_OUTPUT_BYTES);
}

/** The script's ports, each once, in order; a line cut short or out of range is left out. */
export function parseListeningPorts(stdout: string): number[] {
  const ports = new Set<number>();
  for (const line of stdout.split('\n')) {
    const match = /^PORT (\d{1,5})$/.exec(line);
    const port = Number(match?.[1]);
    if (match && port >= 1 && port <= 65535) ports.add(port);
  }
  return [...ports].sort((a, b) => a - b).slice(0, MAX_PORTS);
}
