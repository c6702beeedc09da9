// The POSIX sh scripts that launch, poll and stop a server on a host, whether that host is this computer or an SSH
// host. They are sent on stdin (`sh -s`), so nothing they carry (the token, the environment) appears in any argv,
// and every value is inserted with shellQuote, so option values are data, never code.
import { shellQuote as q } from '../ssh/shell-quote.js';

/** Where a server's run folder lives: under the host's $HOME, or at an absolute path on this computer. */
export type RunDir = { home: string } | { absolute: string };

export interface LaunchPlan {
  runDir: RunDir;
  /** Candidate ports, tried in order; the first one nothing listens on is used. */
  ports: number[];
  argv: string[];
  /** Environment names the server inherits from the host's environment (JupyterHub's env_keep). */
  keep: string[];
  /** Environment set for the server; includes the token. */
  env: Record<string, string>;
  /** notebook_dir after {username} expansion; a leading ~ means the host's $HOME. Empty for $HOME itself. */
  cwd: string;
  /** The server's own flags: bind to loopback on the chosen port (the port is appended by the script). */
  serverFlags: string[];
}

export interface ProcessRef {
  runDir: RunDir;
  pid: number;
  /** The process's start time as `ps -o lstart=` prints it, so a recycled PID is never mistaken for ours. */
  lstart: string;
}

export interface StopPlan extends ProcessRef {
  now: boolean;
  interruptTimeout: number;
  termTimeout: number;
  killTimeout: number;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function dirExpr(runDir: RunDir): string {
  return 'home' in runDir ? `"$HOME"/${q(runDir.home)}` : q(runDir.absolute);
}

/** A shell expression for a working directory: a leading ~ (or nothing) means the host's $HOME. */
export function cwdExpr(cwd: string): string {
  if (cwd === '' || cwd === '~') return '"$HOME"';
  if (cwd.startsWith('~/')) return `"$HOME"/${q(cwd.slice(2))}`;
  return q(cwd);
}

function checkNames(names: string[]): void {
  const bad = names.find((n) => !NAME.test(n));
  if (bad !== undefined) throw new Error(`"${bad}" is not a valid environment variable name`);
}

// A process is ours while it exists, is not a zombie, and started when we recorded.
const ALIVE = `
ht_alive() {
  case "$(LC_ALL=C ps -o stat= -p "$HT_PID" 2>/dev/null)" in ''|Z*) return 1 ;; esac
  [ "$(LC_ALL=C ps -o lstart= -p "$HT_PID" 2>/dev/null | tr -s ' ')" = "$HT_LSTART" ]
}`;

function refPreamble(ref: ProcessRef): string {
  if (!Number.isInteger(ref.pid) || ref.pid <= 1) throw new Error(`invalid pid ${ref.pid}`);
  return `HT_DIR=${dirExpr(ref.runDir)}\nHT_PID=${ref.pid}\nHT_LSTART=${q(ref.lstart)}\n${ALIVE}\n`;
}

/** Sets HT_PORT to the first candidate nothing listens on (per /proc/net/tcp where there is one), or to ''. */
export function freePortLoop(ports: number[]): string {
  if (!ports.every((p) => Number.isInteger(p) && p > 1024 && p < 65536)) throw new Error('invalid candidate ports');
  return `HT_PORT=
for ht_p in ${ports.join(' ')}; do
  if [ -r /proc/net/tcp ]; then
    ht_hex=$(printf '%04X' "$ht_p")
    if cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '{ print $2 " " $4 }' | grep -q ":$ht_hex 0A$"; then continue; fi
  fi
  HT_PORT=$ht_p
  break
done`;
}

export function launchScript(plan: LaunchPlan): string {
  checkNames(plan.keep);
  checkNames(Object.keys(plan.env));
  const exports = Object.entries(plan.env)
    .map(([k, v]) => `  export ${k}=${q(v)}`)
    .join('\n');
  return `set -u
umask 077
ht_fail() { printf 'HUBTRAY_ERROR %s\\n' "$1"; exit "\${2:-1}"; }
HT_DIR=${dirExpr(plan.runDir)}
HT_KEEP=' ${[...plan.keep, 'HOME', 'USER', 'LOGNAME', 'SHELL'].join(' ')} '
set -- ${plan.argv.map(q).join(' ')}
command -v "$1" >/dev/null 2>&1 || ht_fail "$1: command not found on $(hostname 2>/dev/null || echo this host) (PATH=$PATH). Install Jupyter there, or set cmd to its full path." 127
HT_CWD=${cwdExpr(plan.cwd)}
[ -d "$HT_CWD" ] || ht_fail "notebook_dir $HT_CWD does not exist on $(hostname 2>/dev/null || echo this host)" 2
mkdir -p "$HT_DIR" || ht_fail "cannot create $HT_DIR" 2
${freePortLoop(plan.ports)}
[ -n "$HT_PORT" ] || ht_fail "no free port among ${plan.ports.length} candidates" 2
set -- "$@" ${plan.serverFlags.map(q).join(' ')} --port="$HT_PORT"
# Detach into a session of its own, so the server outlives this SSH session and hubtray itself. \`setsid -f\` forks
# a child that keeps the default SIGINT (a shell's background job would ignore it, and so would Jupyter); where it is
# missing, a background job is the fallback and stop() escalates past the ignored interrupt.
HT_SETSID=$(command -v setsid 2>/dev/null)
if [ -n "$HT_SETSID" ] && ! "$HT_SETSID" -f true </dev/null >/dev/null 2>&1; then HT_SETSID=; fi
HT_NOHUP=$(command -v nohup 2>/dev/null)
rm -f "$HT_DIR/pid"
(
  for ht_name in $(awk 'BEGIN { for (k in ENVIRON) print k }'); do
    case "$HT_KEEP" in *" $ht_name "*) ;; *) unset "$ht_name" 2>/dev/null ;; esac
  done
${exports}
  cd "$HT_CWD" || exit 2
  if [ -n "$HT_SETSID" ]; then exec "$HT_SETSID" -f /bin/sh -c 'echo $$ >"$0/pid"; exec "$@"' "$HT_DIR" "$@"; fi
  $HT_NOHUP /bin/sh -c 'echo $$ >"$0/pid"; exec "$@"' "$HT_DIR" "$@" &
) >"$HT_DIR/log" 2>&1 </dev/null
ht_i=0
while [ ! -s "$HT_DIR/pid" ] && [ "$ht_i" -lt 100 ]; do sleep 0.05 2>/dev/null || sleep 1; ht_i=$((ht_i + 1)); done
HT_PID=$(cat "$HT_DIR/pid" 2>/dev/null)
[ -n "$HT_PID" ] || ht_fail "the server process did not start; its log: $(tail -c 2000 "$HT_DIR/log" 2>/dev/null)"
printf 'HUBTRAY_LAUNCHED %s %s %s\\n' "$HT_PID" "$HT_PORT" "$(LC_ALL=C ps -o lstart= -p "$HT_PID" 2>/dev/null | tr -s ' ')"
`;
}

export function pollScript(ref: ProcessRef): string {
  return `${refPreamble(ref)}if ht_alive; then echo HUBTRAY_RUNNING; else echo HUBTRAY_GONE; fi\n`;
}

/**
 * Interrupt, then terminate, then kill, each with its timeout (JupyterHub's interrupt/term/kill_timeout); `now`
 * starts at terminate. Descendants are collected first: kernels run in sessions of their own, and a killed server
 * cannot shut them down, so they are ended here rather than left as orphans.
 */
export function stopScript(plan: StopPlan): string {
  const secs = [plan.interruptTimeout, plan.termTimeout, plan.killTimeout];
  if (!secs.every((s) => Number.isFinite(s) && s >= 0)) throw new Error('invalid stop timeouts');
  return `${refPreamble(plan)}
ht_wait_gone() {
  ht_n=$(awk -v s="$1" 'BEGIN { printf "%d", s * 10 + 1 }')
  while [ "$ht_n" -gt 0 ]; do
    ht_alive || return 0
    sleep 0.1 2>/dev/null || sleep 1
    ht_n=$((ht_n - 1))
  done
  ! ht_alive
}
ht_descendants() {
  LC_ALL=C ps -e -o pid= -o ppid= 2>/dev/null | awk -v root="$1" '
    { parent[$1] = $2 }
    END { for (p in parent) { q = parent[p]; while (q in parent && q != root) q = parent[q]; if (q == root) print p } }'
}
if ht_alive; then
  HT_KIDS=$(ht_descendants "$HT_PID")
  ${plan.now ? '' : `kill -INT "$HT_PID" 2>/dev/null; ht_wait_gone ${plan.interruptTimeout}`}
  if ht_alive; then kill -TERM "$HT_PID" 2>/dev/null; ht_wait_gone ${plan.termTimeout}; fi
  if ht_alive; then kill -KILL "$HT_PID" 2>/dev/null; ht_wait_gone ${plan.killTimeout}; fi
  for ht_k in $HT_KIDS; do kill -TERM "$ht_k" 2>/dev/null; done
  sleep 0.2 2>/dev/null || sleep 1
  for ht_k in $HT_KIDS; do kill -KILL "$ht_k" 2>/dev/null; done
  if ht_alive; then echo "HUBTRAY_ERROR process $HT_PID is still running after SIGKILL"; exit 1; fi
fi
rm -rf "$HT_DIR"
echo HUBTRAY_STOPPED
`;
}

export function logScript(runDir: RunDir, maxBytes: number): string {
  return `HT_DIR=${dirExpr(runDir)}
if [ -r "$HT_DIR/log" ]; then tail -c ${Math.floor(maxBytes)} "$HT_DIR/log"; else echo "(no log at $HT_DIR/log)"; fi
`;
}

export interface Launched {
  pid: number;
  port: number;
  lstart: string;
}

/** Reads the launch script's last line; anything else is a failure whose text is the host's own words. */
export function parseLaunchOutput(stdout: string): Launched | { error: string } {
  const error = /^HUBTRAY_ERROR (.*)$/m.exec(stdout);
  if (error) return { error: error[1] ?? 'unknown error' };
  const m = /^HUBTRAY_LAUNCHED (\d+) (\d+) ?(.*)$/m.exec(stdout);
  if (!m) return { error: 'the launch script printed no result' };
  return { pid: Number(m[1]), port: Number(m[2]), lstart: (m[3] ?? '').trim() };
}
