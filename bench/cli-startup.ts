// Benchmark 10: what a person waits for when typing `hubtray`. Wall time and peak memory (VmHWM, from GNU time's %M)
// of whole processes: `hubtray --version`, and `hubtray list` against a running `hubtray serve` with no servers,
// each against bare `node -e 0` on the same machine in the same run, interleaved A B A B … and the ratio taken pair
// by pair, so that drift of the machine's load falls on both. The CLI is the shipped bundle (dist/cli/hubtray.js).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startKeyring, type PrivateKeyring } from '../testkit/keyring.js';
import { stopTree } from '../testkit/process-tree.js';
import { cliPath, startServe } from './idle-hub.js';
import { foreignLoad } from './proc.js';
import { fixed, median } from './stats.js';
import { hubBuildStale } from './slow-peer.js';
import { rel } from './tunnels.js';

/** Issue 16's goals: a command costs at most half again what Node alone does, and `--version` stays under 50 MiB. */
export const cliStartupTargets = { ratio: 1.5, versionPeakMiB: 50 };

const GNU_TIME = '/usr/bin/time';

export interface Run {
  ms: number;
  peakMiB: number;
}

export interface CliStartupCommand {
  args: string[];
  /** One pair per repetition: bare Node first, then the command. */
  pairs: { node: Run; cli: Run }[];
}

export interface CliStartupResult {
  reps: number;
  commands: CliStartupCommand[];
  foreignPercent: number;
  commandLines: string[];
}

function timed(command: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // GNU time writes its one line (here: peak RSS in KiB) to a file of its own, apart from the command's output.
    const out = path.join(os.tmpdir(), `hubtray-bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
    execFile(GNU_TIME, ['-f', '%M', '-o', out, ...command], { env, timeout: 60_000 }, (error) => {
      const ms = performance.now() - started;
      if (error) return reject(new Error(`${command.join(' ')} failed: ${error.message.split('\n')[0]}`));
      readFile(out, 'utf8')
        .then((text) => rm(out, { force: true }).then(() => resolve({ ms, peakMiB: Number(text.trim().split('\n').pop()) / 1024 })))
        .catch(reject);
    });
  });
}

export async function measureCliStartup(options: { reps: number; log: (line: string) => void; defer: (step: () => Promise<void>) => void; buildChecked?: boolean }): Promise<CliStartupResult | string> {
  const { reps, log, defer } = options;
  if (!existsSync(GNU_TIME)) return `${GNU_TIME} is missing (Debian: apt-get install time): it reports a child's peak memory`;
  const stale = options.buildChecked ? null : hubBuildStale();
  if (stale) return stale;
  let keyring: PrivateKeyring;
  try {
    keyring = await startKeyring();
  } catch (error) {
    return `no private Secret Service for hubtray serve: ${(error as Error).message.split('\n')[0]}`;
  }
  defer(() => keyring.stop());
  const home = await mkdtemp(path.join(os.tmpdir(), 'hubtray-bench-cli-'));
  defer(() => rm(home, { recursive: true, force: true }));
  await writeFile(path.join(home, 'config.json'), JSON.stringify({ systems: {} }));
  const env = keyring.env({ ...process.env, HUBTRAY_HOME: home });
  const serve = await startServe(home, env);
  defer(() => stopTree(serve.child));

  const commands: CliStartupCommand[] = [{ args: ['--version'], pairs: [] }, { args: ['list'], pairs: [] }];
  const phase = await foreignLoad();
  // One warm-up of each, untimed: the first run after a build reads the files from disk.
  for (const command of commands) await timed([process.execPath, cliPath, ...command.args], env);
  await timed([process.execPath, '-e', '0'], env);
  for (let rep = 0; rep < reps; rep++) {
    for (const command of commands) {
      const node = await timed([process.execPath, '-e', '0'], env);
      const cli = await timed([process.execPath, cliPath, ...command.args], env);
      command.pairs.push({ node, cli });
    }
  }
  const foreignPercent = await phase();
  for (const command of commands) {
    const m = cliStartupMedians(command);
    log(`  hubtray ${command.args.join(' ')}: ${fixed(m.cliMs, 0)} ms, ${fixed(m.cliPeakMiB, 1)} MiB; node -e 0: ${fixed(m.nodeMs, 0)} ms, ${fixed(m.nodePeakMiB, 1)} MiB; ratio ${fixed(m.ratio, 2)}×`);
  }
  return {
    reps,
    commands,
    foreignPercent,
    commandLines: [
      `# GNU time -f %M for peak RSS; HUBTRAY_HOME with {"systems": {}}, a private gnome-keyring (testkit/keyring.ts)`,
      `node ${rel(cliPath)} serve &`,
      `# ${reps} × interleaved: node -e 0; node ${rel(cliPath)} --version; node -e 0; node ${rel(cliPath)} list`,
    ],
  };
}

export function cliStartupMedians(command: CliStartupCommand) {
  return {
    cliMs: median(command.pairs.map((p) => p.cli.ms)),
    nodeMs: median(command.pairs.map((p) => p.node.ms)),
    cliPeakMiB: median(command.pairs.map((p) => p.cli.peakMiB)),
    nodePeakMiB: median(command.pairs.map((p) => p.node.peakMiB)),
    ratio: median(command.pairs.map((p) => p.cli.ms / p.node.ms)),
  };
}
