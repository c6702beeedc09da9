// How a chosen python_environment becomes what runs, decided from the settings alone so that a start never waits for
// a scan. An environment's prefix runs the configured server with that environment's own python (`python -m
// jupyterlab` is what bin/jupyter-lab runs, and it works too in a virtualenv that reuses the system's site-packages,
// which has no bin/jupyter-lab of its own), so neither conda nor an activation is needed on the host. A module is
// loaded first: by the prologue where there is one (a batch job), else by a shell around the command.
import type { EnvironmentSettings, SpawnerSettings } from '../../../shared/config.js';
import { moduleInitScript, type ServerModule } from './environment-scan.js';
import { serverCommand } from './shell-spawner.js';

const MODULE = 'module:';

/** The `jupyter` subcommands whose server a python imports as a module. */
const moduleOf: Partial<Record<string, ServerModule>> = { lab: 'jupyterlab', server: 'jupyter_server', notebook: 'notebook' };

/** The python module that starts the server `cmd` names (`jupyter lab`, `jupyter-lab`), or null for another command. */
export function serverModuleOf(cmd: string[]): { module: ServerModule; rest: string[] } | null {
  const [first = '', ...rest] = cmd;
  const base = first.split('/').pop() ?? first;
  const [sub, args] = base === 'jupyter' ? [rest[0], rest.slice(1)] : [/^jupyter-(\w+)$/.exec(base)?.[1], rest];
  const module = sub === undefined ? undefined : moduleOf[sub];
  return module ? { module, rest: args } : null;
}

/** The command that runs `cmd`'s server in the environment at `prefix`; a command of one's own runs from its bin/. */
export function commandInEnvironment(prefix: string, cmd: string[]): string[] {
  const server = serverModuleOf(cmd);
  if (server) return [`${prefix}/bin/python`, '-m', server.module, ...server.rest];
  const [first = 'jupyter', ...rest] = cmd;
  return [`${prefix}/bin/${first.split('/').pop() ?? first}`, ...rest];
}

/** The module that python_environment names, or null. */
export function chosenModule(settings: EnvironmentSettings): string | null {
  return settings.python_environment.startsWith(MODULE) ? settings.python_environment.slice(MODULE.length) : null;
}

/** Settings for a host without a prologue (an SSH host): the command runs in the environment, or after the module. */
export function inEnvironment<S extends SpawnerSettings & EnvironmentSettings>(settings: S): S {
  const chosen = settings.python_environment;
  if (chosen === '') return settings;
  const module = chosenModule(settings);
  const cmd = serverCommand(settings);
  if (module === null) return { ...settings, cmd: commandInEnvironment(chosen, cmd) };
  // The module's name and the command reach the shell as its arguments, never as code.
  return { ...settings, cmd: ['/bin/sh', '-c', `${moduleInitScript()}\nmodule load "$1" && shift && exec "$@"`, 'sh', module, ...cmd] };
}

/** Settings for a batch job: a prefix sets the command, a module is loaded at the start of the prologue. */
export function inEnvironmentByPrologue<S extends SpawnerSettings & EnvironmentSettings & { req_prologue: string }>(settings: S): S {
  const module = chosenModule(settings);
  if (module === null) return inEnvironment(settings);
  // MODULE_NAME (checked by the setting's schema) has no shell characters: the name may stand in the code as it is.
  return { ...settings, req_prologue: [moduleInitScript(), `module load ${module}`, settings.req_prologue].filter((l) => l !== '').join('\n') };
}
