// Stand-ins for what a host's `ps` does in users' world, named as the simulations they are, put first on the PATH of
// the scripts hubtray runs on this computer. This machine's clock must never be stepped, and its ps never broken.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PsSimulation {
  /** The folder holding the simulated `ps`, to put first on PATH. */
  dir: string;
  /** Runs `work` with the simulated `ps` first on this process's PATH (which the local scripts inherit). */
  during<T>(work: () => Promise<T>): Promise<T>;
  remove(): void;
}

function simulation(name: string, script: string): PsSimulation {
  const dir = mkdtempSync(join(tmpdir(), `hubtray-${name}-`));
  writeFileSync(join(dir, 'ps'), script, { mode: 0o755 });
  return {
    dir,
    async during(work) {
      const realPath = process.env.PATH;
      process.env.PATH = `${dir}:${realPath ?? ''}`;
      try {
        return await work();
      } finally {
        process.env.PATH = realPath;
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** ps as it prints after the wall clock stepped `seconds` forward (NTP, a VM resumed, date -s): start times move. */
export function clockStepSimulation(seconds = 10): PsSimulation {
  const realPs = execFileSync('/bin/sh', ['-c', 'command -v ps'], { encoding: 'utf8' }).trim();
  return simulation(
    'clock-step-simulation',
    `#!/bin/sh
# A clock-step simulation: ps as it prints after the wall clock stepped ${seconds} s forward.
case " $* " in
  *lstart=*) "${realPs}" "$@" | while read -r line; do LC_ALL=C date -d "@$(( $(date -d "$line" +%s) + ${seconds} ))" '+%a %b %e %H:%M:%S %Y'; done ;;
  *) exec "${realPs}" "$@" ;;
esac
`,
  );
}

/** A ps that cannot see the server (a broken ps, a PID namespace, a container's /proc): "no such process". */
export function blindPsSimulation(): PsSimulation {
  return simulation('ps-sees-nothing', '#!/bin/sh\n# simulation: a ps that cannot see the server\nexit 1\n');
}
