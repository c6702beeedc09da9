// "Test connection" for a system whose servers a shell starts (this computer, an SSH host, a cluster's login node):
// reach the host as a start would (same SSH pool, so passphrase, password and 2FA prompts reach the user the same
// way), then run one POSIX sh script that gathers what a person needs to know before the first start: the host's
// name, where the configured Jupyter command resolves and its version, whether JupyterLab is installed, the Python it
// runs on, and, when the command is missing, which Jupyter commands are there instead. A kind adds its own checks
// (Slurm: sinfo) and lines (the SSH host key) to the same script and report.
import type { ConnectionReport } from '../../../shared/api.js';
import { errorMessage } from '../../../shared/error-message.js';
import type { SpawnerSettings } from '../../../shared/config.js';
import { shellQuote } from '../ssh/shell-quote.js';
import { cmdAdvice, foundCommandsScript, serverCommands, shownCommand, usualJupyterDirs } from './jupyter-commands.js';
import { serverCommand, type ShellHost } from './shell-spawner.js';

/** How long each probe of the script may take (`jupyter --version` imports Python packages; sinfo asks slurmctld). */
export const probeSeconds = 20;
/** Lines kept from each probe's output, and characters from each line. */
const maxLines = 40;
const maxLineChars = 300;
const marker = '@@hubtray-check ';


/** A kind's own part of the test: a shell fragment run in the same script, and what its output means. */
export interface ExtraCheck {
  /** One word, for the script's section marker. */
  name: string;
  /** POSIX sh; `hubtray_t CMD…` runs CMD bounded in time; its stdout is bounded by the caller. */
  script: string;
  report(output: string[]): { ok: boolean; lines: string[]; problem?: string };
}

export interface ShellHostTestOptions {
  checks?: ExtraCheck[];
  /** Called before the login and after the script, for lines about the connection itself (the host key). */
  connection?: () => Promise<() => Promise<string[]>>;
  /** Where the command runs, when not on the host reached (a cluster's compute nodes). */
  note?: string;
}

export async function testShellHost(host: ShellHost, system: Pick<SpawnerSettings, 'cmd'>, options: ShellHostTestOptions = {}): Promise<ConnectionReport> {
  // The spawner's own default, so the test checks what a start would run.
  const argv = serverCommand(system);
  const shown = shownCommand(argv).join(' ');
  try {
    const afterLogin = await options.connection?.();
    const user = await host.username();
    const result = await host.run(checkScript(argv, options.checks ?? []));
    const sections = parseSections(result.stdout);
    const connectionLines = (await afterLogin?.()) ?? [];
    return report(host, user, shown, sections, options, connectionLines, result);
  } catch (error) {
    return { ok: false, message: `Not ready: could not reach ${host.label}: ${errorMessage(error)}` };
  }
}

/** The whole test as one script: each probe bounded in time and lines, each section after a marker line. */
export function checkScript(argv: string[], checks: ExtraCheck[]): string {
  const [command = 'jupyter', ...rest] = shownCommand(argv);
  const sub = rest[0] ?? '';
  const section = (name: string) => `printf '\\n%s%s\\n' ${shellQuote(marker)} ${shellQuote(name)}`;
  const bounded = `2>&1 | hubtray_b`;
  return [
    'set -f',
    `hubtray_t() { if command -v timeout >/dev/null 2>&1; then timeout ${probeSeconds} "$@"; else "$@"; fi; }`,
    `hubtray_b() { head -n ${maxLines} | cut -c 1-${maxLineChars}; }`,
    `cmd=${shellQuote(command)}`,
    `sub=${shellQuote(sub)}`,
    section('hostname'),
    '{ hostname || uname -n; } 2>/dev/null | hubtray_b',
    section('resolved'),
    'resolved=$(command -v -- "$cmd" 2>/dev/null)',
    'printf "%s\\n" "$resolved"',
    section('version'),
    'if [ -n "$resolved" ]; then',
    '  if [ -n "$sub" ]; then out=$(hubtray_t "$resolved" "$sub" --version 2>&1); else out=$(hubtray_t "$resolved" --version 2>&1); fi',
    '  rc=$?; printf "%s\\n" "$out" | hubtray_b; echo "exit=$rc"',
    'fi',
    // The `jupyter` next to the command (its own environment), else the one on PATH: its package list tells JupyterLab.
    section('packages'),
    'jup=; case $resolved in */*) [ -x "${resolved%/*}/jupyter" ] && jup=${resolved%/*}/jupyter;; esac',
    '[ -z "$jup" ] && jup=$(command -v jupyter 2>/dev/null)',
    'if [ -n "$jup" ]; then echo "jupyter=$jup"; hubtray_t "$jup" --version ' + bounded + '; fi',
    // The Python the command runs on: its script's #! line, else python3.
    section('python'),
    'py=',
    'if [ -n "$resolved" ] && [ -f "$resolved" ]; then',
    '  line=$(head -c 200 "$resolved" 2>/dev/null | head -n 1 | tr -d "\\r")',
    '  case $line in "#!"*) set -- ${line#??}; if [ "${1##*/}" = env ]; then shift; fi; py=${1:-};; esac',
    'fi',
    'case ${py##*/} in python*) ;; *) py=$(command -v python3 2>/dev/null);; esac',
    'if [ -n "$py" ]; then echo "python=$py"; hubtray_t "$py" --version ' + bounded + '; fi',
    section('found'),
    foundCommandsScript(),
    ...checks.flatMap((check) => [section(check.name), check.script]),
    section('end'),
    '',
  ].join('\n');
}

export function parseSections(stdout: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith(marker)) {
      current = [];
      sections.set(line.slice(marker.length).trim(), current);
    } else if (current && line.trim() !== '' && current.length < maxLines) {
      current.push(line.slice(0, maxLineChars).trimEnd());
    }
  }
  return sections;
}

function report(
  host: ShellHost,
  user: string,
  shown: string,
  sections: Map<string, string[]>,
  options: ShellHostTestOptions,
  connectionLines: string[],
  result: { code: number | null; stderr: string },
): ConnectionReport {
  const lines: string[] = [];
  if (!sections.has('end')) {
    const why = result.stderr.trim().split('\n').slice(0, 3).join('; ') || `exit status ${result.code}`;
    return { ok: false, message: [`Not ready: reached ${host.label} as ${user}, but the check script did not finish: ${why}`, ...connectionLines].join('\n') };
  }
  const hostname = sections.get('hostname')?.[0];
  const resolved = sections.get('resolved')?.[0] ?? '';
  const versionOut = sections.get('version') ?? [];
  const exit = versionOut.at(-1)?.match(/^exit=(\d+)$/)?.[1];
  const versionText = versionOut.slice(0, -1);
  const versionOk = resolved !== '' && exit === '0';
  const packages = sections.get('packages') ?? [];
  const jupyter = packages[0]?.startsWith('jupyter=') ? packages[0].slice('jupyter='.length) : undefined;
  const lab = packages.map((l) => l.match(/^\s*jupyterlab\s*:\s*(.+?)\s*$/)?.[1]).find((v) => v !== undefined);
  const pythonOut = sections.get('python') ?? [];
  const python = pythonOut[0]?.startsWith('python=') ? pythonOut[0].slice('python='.length) : undefined;
  const pythonVersion = pythonOut.slice(1).find((l) => /python/i.test(l));
  const found = sections.get('found') ?? [];

  let problem: string | undefined;
  if (resolved === '') problem = `"${shown}" was not found there`;
  else if (!versionOk) {
    // Its last line: Python's and jupyter's own errors come after any usage text.
    const said = versionText.findLast((l) => l.trim() !== '')?.trim().replace(/\.$/, '') ?? (exit === undefined ? 'no answer' : `exit status ${exit}`);
    problem = `"${shown} --version" failed there: ${exit === '124' ? `no answer within ${probeSeconds} s` : said}`;
  }

  lines.push(`Host: ${hostname ?? 'unknown (hostname printed nothing)'}${options.note ? ` (${options.note})` : ''}`);
  if (resolved === '') lines.push(`Command: ${shown}: not found on PATH`);
  else lines.push(`Command: ${shown} is ${resolved}${versionOk ? `, version ${versionSummary(versionText)}` : ''}`);
  if (lab === undefined) lines.push(jupyter ? `JupyterLab: unknown (${jupyter} --version does not list it)` : 'JupyterLab: unknown (no jupyter command there)');
  else lines.push(lab === 'not installed' ? `JupyterLab: not installed (per ${jupyter})` : `JupyterLab: ${lab} (per ${jupyter})`);
  lines.push(python ? `Python: ${pythonVersion ?? 'unknown version'} (${python})` : 'Python: no python3 found');

  const extras = (options.checks ?? []).map((check) => check.report(sections.get(check.name) ?? []));
  for (const extra of extras) lines.push(...extra.lines);
  lines.push(...connectionLines);

  if (problem) {
    const others = found.filter((path) => path !== resolved);
    lines.push(
      others.length === 0
        ? `Jupyter commands there: none of ${serverCommands.join(', ')} on PATH or in ${usualJupyterDirs.join(', ')}`
        : `Jupyter commands there: ${others.join(', ')}`,
    );
    lines.push(cmdAdvice(others));
  }
  const extraProblem = extras.find((e) => !e.ok)?.problem;
  const reached = `${host.label} as ${user}`;
  const verdict = problem
    ? `Not ready: reached ${reached}, but ${problem}.`
    : extraProblem
      ? `Not ready: reached ${reached}, but ${extraProblem}.`
      : `Ready: reached ${reached}; ${shown} ${versionSummary(versionText)} is there.`;
  return { ok: !problem && !extraProblem, message: [verdict, ...lines].join('\n') };
}

/** `jupyter lab --version` prints one version; a command that prints more is summed up by its first line. */
function versionSummary(out: string[]): string {
  return out.find((l) => l.trim() !== '')?.trim() ?? 'unknown';
}
