// The batch script: the system's template (or the adapter's) with its placeholders filled in. {{cmd}} becomes the
// launcher below, which runs on the compute node: it picks a free port there, makes the server's token there, writes
// {node, port, token} to the connection file (mode 0600) and runs the server in the foreground. The token is made on
// the node so that it is in no batch script, sbatch argument or job environment, where `scontrol show job` and the
// spool would keep it. Every value hubtray puts into the script is shellQuote'd; only the prologue and epilogue are
// the user's own shell code, by design.
import { PLACEHOLDER, type BatchScriptPlaceholder } from '../../../shared/kinds/slurm.js';
import { shellQuote as q } from '../ssh/shell-quote.js';
import { cwdExpr, freePortLoop } from '../shell-spawner/shell-scripts.js';
import type { BatchAdapter, BatchResources } from './batch-adapter.js';
import { connectionPath } from './job-files.js';

export interface JobPlan {
  template: string | undefined;
  adapter: BatchAdapter;
  resources: BatchResources;
  prologue: string;
  epilogue: string;
  runId: string;
  /** The server command and its arguments. */
  argv: string[];
  /** Flags that bind the server (the port is appended by the launcher). */
  serverFlags: string[];
  env: Record<string, string>;
  /** notebook_dir after {username} expansion; a leading ~ means $HOME. Empty for $HOME itself. */
  cwd: string;
  ports: number[];
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function renderJobScript(plan: JobPlan): string {
  const values: Record<BatchScriptPlaceholder, string> = {
    ...plan.adapter.values(plan.resources),
    directives: plan.adapter.directives(plan.resources).join('\n'),
    prologue: plan.prologue,
    cmd: launcher(plan),
    // The job's exit status stays the server's, whatever the epilogue's last command returns.
    epilogue: plan.epilogue.trim() === '' ? '' : `ht_status=$?\n${plan.epilogue}\nexit "$ht_status"`,
  };
  return (plan.template ?? plan.adapter.defaultTemplate).replace(PLACEHOLDER, (_match, name: string) => {
    if (!(name in values)) throw new Error(`batch_script: unknown placeholder {{${name}}}`);
    return values[name as BatchScriptPlaceholder];
  });
}

function launcher(plan: JobPlan): string {
  const bad = Object.keys(plan.env).find((name) => !ENV_NAME.test(name));
  if (bad !== undefined) throw new Error(`"${bad}" is not a valid environment variable name`);
  const node = `"$${plan.adapter.nodeVariable}"`;
  return `# hubtray: start the server; not if the prologue's last command failed.
ht_status=$?
if [ "$ht_status" -ne 0 ]; then
  echo "hubtray: the prologue failed (exit status $ht_status), so the server was not started" >&2
  exit "$ht_status"
fi
ht_conn=${connectionPath(plan.runId)}
# The connection file holds the token: it goes with the job, however the job ends short of SIGKILL.
trap 'rm -f "$ht_conn" "$ht_conn.tmp"' EXIT
# scancel and the walltime send SIGTERM to the whole job: the server ends, then the epilogue still runs.
trap 'echo "hubtray: SIGTERM: the job was cancelled or its walltime is up" >&2' TERM
set -- ${plan.argv.map(q).join(' ')}
command -v "$1" >/dev/null 2>&1 || { echo "hubtray: $1: command not found on $(hostname) (PATH=$PATH); set cmd to its full path, or load it in req_prologue" >&2; exit 127; }
HT_CWD=${cwdExpr(plan.cwd)}
cd "$HT_CWD" || { echo "hubtray: notebook_dir $HT_CWD does not exist on $(hostname)" >&2; exit 2; }
${freePortLoop(plan.ports)}
[ -n "$HT_PORT" ] || { echo "hubtray: no free port among ${plan.ports.length} candidates on $(hostname)" >&2; exit 2; }
# od reads the token from /dev/urandom into this shell; printf is a builtin, so no process's argv ever holds it.
ht_token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \\n')
[ "\${#ht_token}" -eq 48 ] || { echo "hubtray: could not read /dev/urandom on $(hostname)" >&2; exit 2; }
${Object.entries(plan.env)
  .map(([name, value]) => `export ${name}=${q(value)}\n`)
  .join('')}(umask 077 && printf '{"node":"%s","port":%s,"token":"%s"}\\n' ${node} "$HT_PORT" "$ht_token" >"$ht_conn.tmp") && mv -f "$ht_conn.tmp" "$ht_conn" || { echo "hubtray: cannot write $ht_conn" >&2; exit 2; }
echo "hubtray: starting $1 on $${plan.adapter.nodeVariable}, port $HT_PORT"
# Only the server's own environment carries the token.
JUPYTER_TOKEN=$ht_token "$@" ${plan.serverFlags.map(q).join(' ')} --port="$HT_PORT"`;
}
