// The Python environments and Jupyter modules a host has, found by one read-only script: conda/mamba environments
// (`conda env list --json`), virtualenvs under the configured folders, and the modules `module avail` lists whose
// name says Jupyter. Each environment's own python says which Jupyter servers it can import, so a virtualenv that
// reuses the system's site-packages counts as having what the system has. The host bounds the script itself
// (coreutils' timeout, where it exists) and its output, so a slow or chatty host costs a few seconds and a few KiB.
import { MODULE_NAME } from '../../../shared/kinds/settings.js';
import { shellQuote } from '../ssh/shell-quote.js';
import { cwdExpr } from './shell-scripts.js';
import { boundedScript } from './bounded-script.js';

/** The Jupyter servers an environment's python may import, best first; `python -m NAME` starts each. */
export const serverModules = ['jupyterlab', 'jupyter_server', 'notebook'] as const;
export type ServerModule = (typeof serverModules)[number];

export interface FoundEnvironment {
  kind: 'conda' | 'venv';
  prefix: string;
  /** The servers its python imports; none: an environment without Jupyter. */
  servers: ServerModule[];
}

export interface FoundEnvironments {
  environments: FoundEnvironment[];
  /** Module names (`jupyterlab/4.2`), as `module load` takes them. */
  modules: string[];
}

const HOST_SECONDS = 5;
const MAX_OUTPUT_BYTES = 64 * 1024;
const MAX_EACH = 100;
const MAX_PATH = 1024;

/** Where conda, mamba or micromamba usually are when a non-login shell has none of them on its PATH. */
const usualCondas = ['$HOME/miniforge3/bin/conda', '$HOME/miniconda3/bin/conda', '$HOME/anaconda3/bin/conda', '/opt/conda/bin/conda'];
/** Where Environment Modules and Lmod put the shell function `module` when the non-login shell lacks it. */
const moduleInits = ['/etc/profile.d/lmod.sh', '/etc/profile.d/modules.sh', '/usr/share/lmod/lmod/init/sh', '/usr/share/modules/init/sh'];

/** POSIX sh that defines `module` from the usual init files when the shell has none (for the scan and for a start). */
export function moduleInitScript(): string {
  return `command -v module >/dev/null 2>&1 || for f in ${moduleInits.join(' ')}; do [ -r "$f" ] && . "$f" >/dev/null 2>&1 && break; done`;
}

const probe = `import importlib.util as u; print(" ".join(m for m in (${serverModules.map((m) => `"${m}"`).join(', ')}) if u.find_spec(m)))`;

/** The scan, for `sh -s`; `folders` are virtualenv roots (environment_folders), `~/` meaning the host's $HOME. */
export function environmentScanScript(folders: string[]): string {
  const body = [
    // One line per environment: ENV<tab>kind<tab>servers<tab>prefix (the prefix last: it may hold tabs).
    `envline() { [ -x "$2/bin/python" ] || return 0; s=$("$2/bin/python" -c ${shellQuote(probe)} 2>/dev/null); printf 'ENV\\t%s\\t%s\\t%s\\n' "$1" "$s" "$2"; }`,
    `c=; for x in "$CONDA_EXE" "$(command -v conda)" "$(command -v mamba)" "$(command -v micromamba)" ${usualCondas.map((p) => `"${p}"`).join(' ')}; do [ -n "$x" ] && [ -x "$x" ] && { c=$x; break; }; done`,
    // The JSON's bare strings are the environments' prefixes: one per line once split at its punctuation.
    `[ -n "$c" ] && "$c" env list --json 2>/dev/null | tr ',[]{}' '\\n\\n\\n\\n\\n' | sed -n 's/^[[:space:]]*"\\(\\/[^"]*\\)"[[:space:]]*$/\\1/p' | head -n ${MAX_EACH} | while IFS= read -r p; do envline conda "$p"; done`,
    `for d in ${folders.map(cwdExpr).join(' ')}; do for cfg in "$d"/pyvenv.cfg "$d"/*/pyvenv.cfg; do [ -f "$cfg" ] && envline venv "\${cfg%/pyvenv.cfg}"; done; done | head -n ${MAX_EACH}`,
    moduleInitScript(),
    // Both Environment Modules and Lmod print the terse list on stderr, each folder of modules as a "PATH:" line.
    `command -v module >/dev/null 2>&1 && module -t avail 2>&1 | grep -i jupyter | grep -v ':$' | head -n ${MAX_EACH} | sed 's/^/MODULE\t/'`,
    'exit 0',
  ].join('\n');
  return boundedScript(body, HOST_SECONDS, MAX_OUTPUT_BYTES);
}

/** The scan's output; lines it cannot read (a cut last line, a path that is not absolute) are left out. */
export function parseEnvironmentScan(stdout: string): FoundEnvironments {
  const environments: FoundEnvironment[] = [];
  const modules: string[] = [];
  const seen = new Set<string>();
  for (const line of stdout.split('\n')) {
    const [tag, ...rest] = line.split('\t');
    if (tag === 'ENV' && rest.length >= 3) {
      const [kind, servers = '', ...prefixParts] = rest;
      const prefix = prefixParts.join('\t');
      if ((kind !== 'conda' && kind !== 'venv') || !prefix.startsWith('/') || prefix.length > MAX_PATH || seen.has(prefix)) continue;
      seen.add(prefix);
      environments.push({ kind, prefix, servers: serverModules.filter((m) => servers.split(' ').includes(m)) });
    }
    // Markers after the name ("(default)", Lmod's "(D)") are not part of what `module load` takes.
    const name = tag === 'MODULE' ? rest.join('\t').replace(/\(.*$/, '').trim() : '';
    if (new RegExp(`^${MODULE_NAME}$`).test(name) && !modules.includes(name)) modules.push(name);
  }
  return { environments, modules };
}
