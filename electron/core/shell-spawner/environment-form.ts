// The options form with the host's Python environments as the choices for python_environment, as sinfo's partitions
// are for req_partition. The scan (environment-scan.ts) is one bounded command, kept a few minutes per host and its
// folders, so listing systems does not ask the host every time; a host that is slow or down leaves the field as
// configured, and the list of systems never waits for it longer than its own bound (system-list.ts).
import type { SpawnerSettings } from '../../../shared/config.js';
import type { FormField, FormSchema } from '../../../shared/forms.js';
import { boundedText } from '../../../shared/text.js';
import { environmentScanScript, parseEnvironmentScan, type FoundEnvironment, type FoundEnvironments, type ServerModule } from './environment-scan.js';
import { serverModuleOf } from './environment-choice.js';
import { serverCommand } from './shell-spawner.js';
import type { SshPool } from '../ssh/ssh-pool.js';
import { sshTargetKey, type SshTarget } from '../ssh/ssh-target.js';
import { spokenCommand } from './jupyter-commands.js';

const TTL_MS = 5 * 60_000;
/** The host bounds the scan to 5 s; this adds room for a login on the connection. */
const TIMEOUT_MS = 10_000;
const FIELD = 'python_environment';

/** Runs a script through the host's `sh -s` within `timeoutMs`. */
type RunScript = (script: string, timeoutMs: number) => Promise<{ stdout: string }>;

const cache = new WeakMap<object, Map<string, { at: number; found: Promise<FoundEnvironments | null> }>>();

/**
 * What the host has, from the cache or one scan; null when it could not be asked. `owner` and `host` name the host.
 * `mayAsk` false: only what an earlier scan found (a listing must not log in to a host nobody uses yet).
 */
function foundEnvironments(owner: object, host: string, folders: string[], run: RunScript, mayAsk = true): Promise<FoundEnvironments | null> {
  let byKey = cache.get(owner);
  if (!byKey) cache.set(owner, (byKey = new Map()));
  const key = JSON.stringify([host, folders]);
  const entry = byKey.get(key);
  if (entry && Date.now() - entry.at <= TTL_MS) return entry.found;
  if (!mayAsk) return entry?.found ?? Promise.resolve(null);
  const found = run(environmentScanScript(folders), TIMEOUT_MS).then(
    (result) => parseEnvironmentScan(result.stdout),
    () => null,
  );
  byKey.set(key, { at: Date.now(), found });
  return found;
}

/** What a host reached through `pool` has, scanned over its shared connection (cached per pool and target). */
export function sshHostEnvironments(pool: SshPool, target: SshTarget, folders: string[], mayAsk = true): Promise<FoundEnvironments | null> {
  return foundEnvironments(pool, sshTargetKey(target), folders, (script, timeoutMs) => pool.exec(target, 'sh -s', { stdin: script, timeoutMs }), mayAsk);
}

/** `form` (its fields defaulting to the configured values) with python_environment offering what `found` holds. */
export function withEnvironments(form: FormSchema, found: FoundEnvironments | null, settings: Pick<SpawnerSettings, 'cmd'>): FormSchema {
  if (!found) return form;
  return { fields: form.fields.map((field) => (field.name === FIELD && field.type === 'text' ? environmentField(field, found, settings) : field)) };
}

function environmentField(field: Extract<FormField, { type: 'text' }>, found: FoundEnvironments, settings: Pick<SpawnerSettings, 'cmd'>): FormField {
  const cmd = serverCommand(settings);
  const needed = serverModuleOf(cmd)?.module;
  // A command of one's own may be in any environment that has a Jupyter server at all.
  const usable = (env: FoundEnvironment) => (needed ? env.servers.includes(needed) : env.servers.length > 0);
  const offered = found.environments.filter(usable);
  const without = found.environments.filter((env) => !usable(env));
  const configured = field.default ?? '';
  const choices = [
    { value: '', label: `as configured (${spokenCommand(cmd.join(' '))})` },
    ...offered.map((env) => ({ value: env.prefix, label: `${env.kind === 'conda' ? 'conda' : 'virtualenv'} ${env.prefix}` })),
    // Which modules provide Jupyter only loading one would tell: those named after it are offered.
    ...found.modules.map((name) => ({ value: `module:${name}`, label: `module ${name}` })),
  ];
  if (configured !== '' && !choices.some((c) => c.value === configured)) choices.push({ value: configured, label: `${configured} (configured)` });
  const { pattern: _pattern, default: _default, ...rest } = field;
  return { ...rest, type: 'select', choices, default: configured, help: helpText(without, needed) };
}

/** Says which environments are there but not offered, so a missing one is not a mystery. */
function helpText(without: FoundEnvironment[], needed: ServerModule | undefined): string {
  const found = 'The environments and Jupyter modules found on the host.';
  if (without.length === 0) return found;
  const what = needed ? productName[needed] : 'Jupyter';
  return boundedText(`${found} Without ${what}: ${without.map((env) => env.prefix).join(', ')}.`, 600);
}

const productName: Record<ServerModule, string> = { jupyterlab: 'JupyterLab', jupyter_server: 'Jupyter Server', notebook: 'Jupyter Notebook' };
