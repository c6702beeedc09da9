// The POSIX sh scripts that launch, poll and stop a server on a host, whether that host is this computer or an SSH
// host. They are sent on stdin (`sh -s`), so nothing they carry (the token, the environment) appears in any argv,
// and every value is inserted with shellQuote, so option values are data, never code.
import { settingName } from '../../../shared/kinds/setting-name.js';
import { shellQuote as q } from '../ssh/shell-quote.js';

/** Where a server's run folder lives: under the host's $HOME, or at an absolute path on this computer. */
export type RunDir = { home: string } | { absolute: string };

export interface LaunchPlan {
  runDir: RunDir;
  /** Candidate ports, tried in order: the first one no socket uses, outside the host's ip_local_port_range (see freePortLoop). */
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
  /** The run folder; its path is also the mark every process of the server carries (HUBTRAY_RUN_DIR). */
  runDir: RunDir;
  /** Null when a hub went away between the launch and saving what it printed: the run folder's pid file says. */
  pid: number | null;
  /**
   * Which process this PID was, so a recycled PID is never mistaken for ours: on Linux `linux:BOOT_ID:TICKS` (the
   * boot and the start in clock ticks since boot, which no clock step moves); elsewhere `ps:` and the start time as
   * `ps -o lstart=` prints it (records written before 0.2 hold only this). Null when not known yet.
   */
  identity: string | null;
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

// A process's identity. On Linux: the boot id and the start time in clock ticks since boot (/proc/PID/stat field 22,
// counted after the ")" that ends the command name, which may hold spaces). A wall-clock step (NTP, a VM resumed or
// migrated, date -s) moves every start time that ps prints, but not these. Elsewhere, the start time ps prints.
// ht_identity_of sets HT_ID with shell builtins alone on Linux (read, not sed/cat/cut in subshells): a poll round
// checks every server of a host, and forks there are most of its cost.
const IDENTITY = `
ht_identity_of() {
  HT_ID=
  if [ -r /proc/sys/kernel/random/boot_id ] && IFS= read -r ht_stat 2>/dev/null <"/proc/$1/stat" && [ -n "$ht_stat" ]; then
    IFS= read -r ht_boot </proc/sys/kernel/random/boot_id
    # The fields after the command name, split on spaces (and not globbed), to take the 20th.
    set -f
    set -- \${ht_stat##*) }
    set +f
    # shift fails, and ends a POSIX shell, past the last field.
    if [ "$#" -ge 20 ]; then shift 19; HT_ID="linux:$ht_boot:$1"; fi
  else
    HT_ID="ps:$(LC_ALL=C ps -o lstart= -p "$1" 2>/dev/null | tr -s ' ')"
  fi
}
ht_identity() { ht_identity_of "$1"; printf '%s' "$HT_ID"; }`;

// The mark: every process of a server (and its kernels) has HUBTRAY_RUN_DIR=<its run folder> in its environment,
// which no clock, PID reuse or lost record changes. Read from /proc where there is one, else from ps's BSD "e".
const MARK = `
ht_marked() {
  if [ -r "/proc/$1/environ" ]; then tr '\\000' '\\n' <"/proc/$1/environ" 2>/dev/null | grep -qxF "HUBTRAY_RUN_DIR=$HT_DIR"
  else LC_ALL=C ps eww -o command= -p "$1" 2>/dev/null | grep -qF "HUBTRAY_RUN_DIR=$HT_DIR"; fi
}
ht_marked_pids() {
  if [ -d /proc/self ]; then
    for ht_d in /proc/[0-9]*; do
      [ -O "$ht_d" ] || continue
      ht_m=\${ht_d#/proc/}
      [ "$ht_m" = "$$" ] || ! ht_marked "$ht_m" || echo "$ht_m"
    done
  else
    LC_ALL=C ps eww -o pid= -o command= -U "$(id -u)" 2>/dev/null | grep -F "HUBTRAY_RUN_DIR=$HT_DIR" | awk '{ print $1 }'
  fi
}`;

// The server is alive while its process exists, is not a zombie, and is ours: the identity saved at launch matches
// (quick), or the process carries this run's mark (after a clock step moved what ps prints, or when only the run
// folder's pid file is known).
// ht_stat_of sets HT_STAT, the process's state as ps prints it (empty: no such process). A poll round asks ps once
// for every PID it knows (HT_PS_PIDS, HT_PS_SEEN: "pid stat" pairs) and looks them up; anything else asks ps anew.
const ALIVE = `${IDENTITY}${MARK}
ht_stat_of() {
  HT_STAT=
  case ",\${HT_PS_PIDS:-}," in
    *",$1,"*)
      ht_want=$1
      set -f
      set -- \${HT_PS_SEEN:-}
      set +f
      while [ "$#" -ge 2 ]; do
        if [ "$1" = "$ht_want" ]; then HT_STAT=$2; return 0; fi
        shift 2
      done ;;
    *) HT_STAT=$(LC_ALL=C ps -o stat= -p "$1" 2>/dev/null) ;;
  esac
}
ht_alive() {
  [ -n "$HT_PID" ] || return 1
  ht_stat_of "$HT_PID"
  case "$HT_STAT" in ''|Z*) return 1 ;; esac
  case "$HT_IDENTITY" in
    '') ;;
    ps:*) [ "ps:$(LC_ALL=C ps -o lstart= -p "$HT_PID" 2>/dev/null | tr -s ' ')" = "$HT_IDENTITY" ] && return 0 ;;
    *) ht_identity_of "$HT_PID"; [ "$HT_ID" = "$HT_IDENTITY" ] && return 0 ;;
  esac
  ht_marked "$HT_PID"
}`;

/** The shell variables that name one server: HT_DIR, HT_PID (from the pid file when not known) and HT_IDENTITY. */
function refVariables(ref: ProcessRef): string {
  if (ref.pid !== null && (!Number.isInteger(ref.pid) || ref.pid <= 1)) throw new Error(`invalid pid ${ref.pid}`);
  const pid = ref.pid === null ? `$(cat "$HT_DIR/pid" 2>/dev/null | tr -cd 0-9)` : String(ref.pid);
  return `HT_DIR=${dirExpr(ref.runDir)}\nHT_PID=${pid}\nHT_IDENTITY=${q(ref.identity ?? '')}\n`;
}

function refPreamble(ref: ProcessRef): string {
  return `${refVariables(ref)}${ALIVE}\n`;
}

/**
 * Sets HT_PORT to the first candidate no socket of this host uses, in any state (a port an outbound connection holds
 * cannot be bound either), and outside the host's ip_local_port_range: the kernel gives ports from that range to
 * outbound connections, which could take ours between this choice and the server's bind. Only where every free
 * candidate lies inside that range is one of those used: a start that may race beats one that cannot happen. Where
 * there is no /proc, the first candidate; '' when none is free.
 */
export function freePortLoop(ports: number[]): string {
  if (!ports.every((p) => Number.isInteger(p) && p > 1024 && p < 65536)) throw new Error('invalid candidate ports');
  return `ht_files=
for ht_f in /proc/sys/net/ipv4/ip_local_port_range /proc/net/tcp /proc/net/tcp6; do [ -r "$ht_f" ] && ht_files="$ht_files $ht_f"; done
HT_PORT=$(awk -v ports='${ports.join(' ')}' '
  FILENAME ~ /ip_local_port_range$/ { lo = $1; hi = $2; next }
  FNR > 1 { split($2, addr, ":"); used[addr[2]] = 1 }
  END {
    n = split(ports, p, " ")
    for (pass = 1; pass <= 2; pass++)
      for (i = 1; i <= n; i++)
        if (!(sprintf("%04X", p[i]) in used) && (pass == 2 || lo == "" || p[i] < lo + 0 || p[i] > hi + 0)) { print p[i]; exit }
  }' $ht_files </dev/null)`;
}

export function launchScript(plan: LaunchPlan): string {
  checkNames(plan.keep);
  checkNames(Object.keys(plan.env));
  const exports = Object.entries(plan.env)
    .map(([k, v]) => `  export ${k}=${q(v)}`)
    .join('\n');
  return `set -u
umask 077
ht_fail() { printf 'HUBTRAY_ERROR %s\\n' "$1"; exit "\${2:-1}"; }${IDENTITY}
HT_DIR=${dirExpr(plan.runDir)}
HT_KEEP=' ${[...plan.keep, 'HOME', 'USER', 'LOGNAME', 'SHELL'].join(' ')} '
set -- ${plan.argv.map(q).join(' ')}
command -v "$1" >/dev/null 2>&1 || ht_fail "$1: command not found on $(hostname 2>/dev/null || echo this host) (PATH=$PATH)" 127
HT_CWD=${cwdExpr(plan.cwd)}
[ -d "$HT_CWD" ] || ht_fail ${q(`${settingName('notebook_dir')} `)}"$HT_CWD does not exist on $(hostname 2>/dev/null || echo this host)" 2
mkdir -p "$HT_DIR" || ht_fail "cannot create $HT_DIR" 2
${freePortLoop(plan.ports)}
[ -n "$HT_PORT" ] || ht_fail "no free port among ${plan.ports.length} candidates" 2
set -- "$@" ${plan.serverFlags.map(q).join(' ')} --port="$HT_PORT"
# Before the launch, so that a hub that goes away before it hears the result finds the port with the pid file.
printf '%s\\n' "$HT_PORT" >"$HT_DIR/port"
# Detach into a session of its own, so the server outlives this SSH session and hubtray itself. \`setsid -f\` forks
# a child that keeps the default SIGINT (a shell's background job would ignore it, and so would Jupyter); where it is
# missing, a background job is the fallback and stop() escalates past the ignored interrupt.
HT_SETSID=$(command -v setsid 2>/dev/null)
if [ -n "$HT_SETSID" ] && ! "$HT_SETSID" -f true </dev/null >/dev/null 2>&1; then HT_SETSID=; fi
HT_NOHUP=$(command -v nohup 2>/dev/null)
rm -f "$HT_DIR/pid"
# The log is opened to append: one truncated on the host (copytruncate, ": >log") goes on from its new end, where
# a plain > would keep writing at the old offset behind a hole of NUL bytes.
(
  for ht_name in $(awk 'BEGIN { for (k in ENVIRON) print k }'); do
    case "$HT_KEEP" in *" $ht_name "*) ;; *) unset "$ht_name" 2>/dev/null ;; esac
  done
${exports}
  export HUBTRAY_RUN_DIR="$HT_DIR"
  cd "$HT_CWD" || exit 2
  if [ -n "$HT_SETSID" ]; then exec "$HT_SETSID" -f /bin/sh -c 'echo $$ >"$0/pid"; exec "$@"' "$HT_DIR" "$@"; fi
  $HT_NOHUP /bin/sh -c 'echo $$ >"$0/pid"; exec "$@"' "$HT_DIR" "$@" &
) >>"$HT_DIR/log" 2>&1 </dev/null
ht_i=0
while [ ! -s "$HT_DIR/pid" ] && [ "$ht_i" -lt 100 ]; do sleep 0.05 2>/dev/null || sleep 1; ht_i=$((ht_i + 1)); done
HT_PID=$(cat "$HT_DIR/pid" 2>/dev/null)
[ -n "$HT_PID" ] || ht_fail "the server process did not start; its log: $(tail -c 2000 "$HT_DIR/log" 2>/dev/null)"
printf 'HUBTRAY_LAUNCHED %s %s %s\\n' "$HT_PID" "$HT_PORT" "$(ht_identity "$HT_PID")"
`;
}

/**
 * One check of several servers on the same host, in one shell: a line per server, tagged with its index in `refs`
 * (`HUBTRAY_RUNNING i pid port identity` or `HUBTRAY_GONE i`). A host with fifty servers costs one shell and one ps
 * per round, not fifty of each, and on Linux nothing more (identities are read with builtins); parsePollOutput reads
 * the lines back.
 */
export function pollScript(refs: ProcessRef[]): string {
  const checks = refs.map((ref, i) => `${refVariables(ref)}ht_check ${i}\n`).join('');
  // One ps for every PID already known (a ref that knows only its run folder asks ps itself).
  const pids = refs.flatMap((ref) => (ref.pid === null ? [] : [ref.pid])).join(',');
  const snapshot = pids ? `HT_PS_PIDS=${pids}\nHT_PS_SEEN=$(LC_ALL=C ps -o pid= -o stat= -p ${pids} 2>/dev/null)\n` : '';
  return `${ALIVE}
${snapshot}
ht_check() {
  if ht_alive; then
    ht_port=
    IFS= read -r ht_port 2>/dev/null <"$HT_DIR/port"
    case "$ht_port" in *[!0-9]*) ht_port= ;; esac
    ht_identity_of "$HT_PID"
    printf 'HUBTRAY_RUNNING %s %s %s %s\\n' "$1" "$HT_PID" "$ht_port" "$HT_ID"
  else echo "HUBTRAY_GONE $1"; fi
}
${checks}`;
}

/** What the poll said of one server: running (with what it is now), or gone. */
export type PollAnswer = { running: true; pid: number; port: number | null; identity: string | null } | { running: false };

/** The answers of pollScript's lines, by index; a server without a line is missing (the script did not get to it). */
export function parsePollOutput(stdout: string): Map<number, PollAnswer> {
  const answers = new Map<number, PollAnswer>();
  for (const line of stdout.split('\n')) {
    const running = /^HUBTRAY_RUNNING (\d+) (\d+) (\d*) ?(.*)$/.exec(line);
    if (running) {
      answers.set(Number(running[1]), { running: true, pid: Number(running[2]), port: running[3] ? Number(running[3]) : null, identity: running[4]?.trim() || null });
      continue;
    }
    const gone = /^HUBTRAY_GONE (\d+)$/.exec(line);
    if (gone) answers.set(Number(gone[1]), { running: false });
  }
  return answers;
}

/**
 * Interrupt, then terminate, then kill, each with its timeout (JupyterHub's interrupt/term/kill_timeout); `now`
 * starts at terminate. Then everything else of the server ends too, found by every identity hubtray has: its
 * descendants (kernels run in sessions of their own, and a killed server cannot shut them down) and every process
 * carrying its mark (kernels whose server died earlier). The run folder goes only once none of them is left.
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
HT_REST=
if ht_alive; then
  HT_REST=$(ht_descendants "$HT_PID")
  ${plan.now ? '' : `kill -INT "$HT_PID" 2>/dev/null; ht_wait_gone ${plan.interruptTimeout}`}
  if ht_alive; then kill -TERM "$HT_PID" 2>/dev/null; ht_wait_gone ${plan.termTimeout}; fi
  if ht_alive; then kill -KILL "$HT_PID" 2>/dev/null; ht_wait_gone ${plan.killTimeout}; fi
  if ht_alive; then echo "HUBTRAY_ERROR process $HT_PID is still running after SIGKILL"; exit 1; fi
fi
HT_REST="$HT_REST $(ht_marked_pids)"
if [ -n "$(echo $HT_REST)" ]; then
  for ht_k in $HT_REST; do kill -TERM "$ht_k" 2>/dev/null; done
  sleep 0.2 2>/dev/null || sleep 1
  for ht_k in $HT_REST; do kill -KILL "$ht_k" 2>/dev/null; done
  sleep 0.1 2>/dev/null || sleep 1
  HT_LEFT=$(ht_marked_pids)
  if [ -n "$HT_LEFT" ]; then echo "HUBTRAY_ERROR processes of the server are still running after SIGKILL:" $HT_LEFT; exit 1; fi
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
  identity: string;
}

/** Reads the launch script's last line; anything else is a failure whose text is the host's own words. */
export function parseLaunchOutput(stdout: string): Launched | { error: string } {
  const error = /^HUBTRAY_ERROR (.*)$/m.exec(stdout);
  if (error) return { error: error[1] ?? 'unknown error' };
  const m = /^HUBTRAY_LAUNCHED (\d+) (\d+) ?(.*)$/m.exec(stdout);
  if (!m) return { error: 'the launch script printed no result' };
  return { pid: Number(m[1]), port: Number(m[2]), identity: (m[3] ?? '').trim() };
}
