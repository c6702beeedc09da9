// Where a batch job and hubtray meet: ~/.hubtray/jobs on the cluster (homes are shared between the login and compute
// nodes, as on every cluster). A job writes RUN.json there, mode 0600, holding {node, port, token}; its stdout and
// stderr go to RUN.log. Every path is a shell expression with the run id quoted.
import { z } from 'zod';
import { shellQuote as q } from '../ssh/shell-quote.js';

const DIR = '.hubtray/jobs';
const RUN_ID = /^[A-Za-z0-9._-]+$/;

function path(runId: string, suffix: string): string {
  if (!RUN_ID.test(runId)) throw new Error(`"${runId}" is not a run id`);
  return `"$HOME"/${q(`${DIR}/${runId}${suffix}`)}`;
}

export const connectionPath = (runId: string) => path(runId, '.json');
export const logPath = (runId: string) => path(runId, '.log');

/**
 * Run before a submission: the folder exists and only its owner can read it. The umask stays in the subshell: sbatch
 * passes the submitting shell's umask on to the job, and the files a user makes in Jupyter should get their own.
 */
export const prepareScript = `(umask 077 && mkdir -p "$HOME"/${q(DIR)} && chmod 700 "$HOME"/${q(DIR)}) || { echo "cannot create ~/${DIR} on $(hostname)" >&2; exit 2; }
`;

/** Prints the connection file, or nothing while the job has not written it yet. */
export function readConnectionScript(runId: string): string {
  return `cat ${connectionPath(runId)} 2>/dev/null\nexit 0\n`;
}

export function logTailScript(runId: string, maxBytes: number): string {
  return `if [ -r ${logPath(runId)} ]; then tail -c ${Math.floor(maxBytes)} ${logPath(runId)}; else echo "(no output yet at ~/${DIR}/${runId}.log)"; fi\n`;
}

export function removeScript(runId: string): string {
  return `rm -f ${connectionPath(runId)} ${path(runId, '.json.tmp')} ${logPath(runId)}\n`;
}

const Connection = z.object({
  node: z.string().regex(/^[A-Za-z0-9._-]+$/),
  port: z.number().int().min(1).max(65535),
  token: z.string().regex(/^[0-9a-f]{32,128}$/),
});
export type Connection = z.infer<typeof Connection>;

/** null while the file is not there yet. A file that is there but malformed is an error worth saying. */
export function parseConnection(text: string): Connection | null {
  if (text.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('the job wrote a connection file that is not JSON');
  }
  const parsed = Connection.safeParse(value);
  // The message names the fields only: the file's content may hold the token.
  if (!parsed.success) throw new Error(`the job's connection file is malformed (${parsed.error.issues.map((i) => i.path.join('.')).join(', ')})`);
  return parsed.data;
}
