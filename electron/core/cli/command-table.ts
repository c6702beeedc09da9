// Every command's name, synopsis and help, and where its code is. The code loads only when its command runs, so that
// `hubtray --version`, `--help` and a mistyped command answer without loading the hub, ssh2 or the API client.
import type { Command } from './command.js';

export const commands: Record<string, Command> = {
  serve: {
    summary: 'run the hub without the tray app (for machines without a desktop), until Ctrl-C',
    usage: 'serve [--port N] [--open] [--new-token]',
    load: () => import('./commands/serve.js'),
  },
  systems: {
    summary: 'list the systems a server can start on, and their options (-o KEY=VALUE)',
    details: [
      'A select lists its choices (mem=4G|16G); another field shows its default (dir=~), or its name alone when it has none.',
      'With a hub running, the options are the ones each system offers now (a cluster\u2019s partitions, an Outpost\u2019s ' +
        'flavors). With none, config.json is read and checked, and its systems are listed with their configured forms; ' +
        'a note on standard error says that no hub runs, and --json then gives name, kind, description and form only.',
    ],
    usage: 'systems [--json]',
    load: () => import('./commands/systems.js'),
  },
  start: {
    summary: 'start a server on SYSTEM, show its progress, and print its URL when it is ready',
    usage: 'start SYSTEM [--name NAME] [-o KEY=VALUE]... [--json]',
    load: () => import('./commands/start.js'),
  },
  list: {
    summary: 'list running, starting, stopping and lost servers; --all adds the ended ones under them',
    details: [
      'Ended servers (stopped, failed or cancelled) stay in the list until `hubtray forget NAME`; without --all they are ' +
        'counted, not shown. --json prints every server, ended ones included, as an array of objects.',
      'Each URL is printed whole in the last column, never wrapped or cut, so that it can be copied as it is.',
    ],
    usage: 'list [--all] [--json]',
    load: () => import('./commands/list.js'),
  },
  open: {
    summary: 'print a server’s URL (with its token) and open it in the browser',
    usage: 'open NAME [--print]',
    load: () => import('./commands/open.js'),
  },
  stop: {
    summary: 'stop a server (interrupt, then terminate, then kill; --now skips the grace periods)',
    details: [
      'When the server\u2019s kernels are running code, stop asks first on a terminal ("Stop anyway? [y/N]"), as the ' +
        'window does; without a terminal (a script, a pipe) it refuses and exits 1 instead of waiting for an answer. ' +
        '--force stops without asking. Idle kernels, or a server that cannot say, stop at once.',
    ],
    usage: 'stop NAME [--now] [--force]',
    load: () => import('./commands/stop.js'),
  },
  cancel: {
    summary: 'cancel a start that is still pending',
    usage: 'cancel NAME',
    load: () => import('./commands/cancel.js'),
  },
  recheck: {
    summary: 'check a running or lost server now (its process, then its HTTP answer) and print what was found',
    usage: 'recheck NAME',
    load: () => import('./commands/recheck.js'),
  },
  'keep-running': {
    summary: 'keep a server the idle culler is about to stop: its idle clock starts again, for one more period',
    usage: 'keep-running NAME',
    load: () => import('./commands/keep-running.js'),
  },
  forward: {
    summary: "forward one more port of a running server's host to 127.0.0.1, through the server's SSH connection",
    details: [
      'The forward lasts as long as the server: it heals with the tunnel on the same local port, a restarted hub opens it ' +
        'again, and it ends when the server does. Without --local a free port is chosen; --name labels it (default port-REMOTE_PORT).',
    ],
    usage: 'forward NAME REMOTE_PORT [--local PORT] [--name LABEL]',
    load: () => import('./commands/forward.js'),
  },
  unforward: {
    summary: 'close a forward of a server, named by its remote port or its label',
    usage: 'unforward NAME REMOTE_PORT|LABEL',
    load: () => import('./commands/unforward.js'),
  },
  ports: {
    summary: "list the ports a running server's own processes listen on, on its host, and which are forwarded",
    details: [
      "Found from the server's process tree on its host (its descendants' listening sockets), never by scanning: a " +
        'dashboard the server started is listed, another program on the host is not. `hubtray forward NAME PORT` forwards one.',
    ],
    usage: 'ports NAME [--json]',
    load: () => import('./commands/ports.js'),
  },
  forget: {
    summary: 'remove a server that has ended (stopped, failed or cancelled), or a lost one, from the list',
    usage: 'forget NAME',
    load: () => import('./commands/forget.js'),
  },
  logs: {
    summary: 'print the most recent part of a server’s own log; with --follow, follow it as it grows; with --events, its progress events and reasons in full',
    details: [
      '--follow (-f) prints the newest part of the log, then each new part as the hub reads it, until the server ends or Ctrl-C. What hubtray says about the log (truncated, part of it skipped, the server ended) goes to standard error.',
    ],
    usage: 'logs NAME [--follow | --events]',
    load: () => import('./commands/logs.js'),
  },
  secret: {
    summary: 'store a secret in the OS keychain (the value is read from standard input), or delete one; ssh-key stores a private key',
    usage: 'secret set KEY | secret delete KEY | secret ssh-key NAME < KEYFILE',
    load: () => import('./commands/secret.js'),
  },
};
