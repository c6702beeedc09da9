// The options form of an ssh system offers the Python environments found on the host, against a real sshd whose login
// user has real ones: virtualenvs made by Debian's python3 -m venv (one reusing the system's site-packages, so Debian's
// Jupyter server is importable in it, one bare), Environment Modules' real `module` with modulefiles of the user's
// own, and conda environments listed by a stand-in for conda (Debian has no conda, mamba nor micromamba), which
// prints what `conda env list --json` prints about real virtualenvs. Listing systems logs in nowhere; once a host
// has a connection its form lists what it has. A start through a chosen environment runs the server from it; a host
// whose scan hangs leaves the form as configured within the list's bound, and a start waits for no scan.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FormField } from '../../shared/forms.js';
import { startSshd, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';

const user = 'hubtray-envs';
const slowUser = 'hubtray-envs-slow';
const home = `/home/${user}`;
const venvs = join(home, 'envs');
const withServer = join(venvs, 'with-server');
const bare = join(venvs, 'bare');
const condaEnvs = join(home, 'conda-envs');
const condaAnalysis = join(condaEnvs, 'analysis');
const condaEmpty = join(condaEnvs, 'empty');
const moduleName = 'jupyter-server/2.0';
let sshd: Sshd;
let client: ClientConfig;
let h: HubHarness;

function venv(prefix: string, systemSitePackages: boolean): void {
  execFileSync('/usr/bin/python3', ['-m', 'venv', '--without-pip', ...(systemSitePackages ? ['--system-site-packages'] : []), prefix]);
}

/** Stands in for conda, which Debian does not package: answers `env list --json` as conda 24 does, after `delay` s. */
function condaStandIn(userHome: string, prefixes: string[], delay = 0): void {
  const bin = join(userHome, 'miniconda3', 'bin');
  mkdirSync(bin, { recursive: true });
  const json = JSON.stringify({ envs: prefixes }, null, 2);
  writeFileSync(join(bin, 'conda'), `#!/bin/sh\n[ "$1 $2 $3" = "env list --json" ] || exit 2\nsleep ${delay}\ncat <<'EOF'\n${json}\nEOF\n`);
  chmodSync(join(bin, 'conda'), 0o755);
}

function field(fields: FormField[]): FormField | undefined {
  return fields.find((f) => f.name === 'python_environment');
}

/** The argv and environment of the server process a start left, read from /proc. */
function serverProcess(name: string): { argv: string[]; env: string[] } {
  const pid = h.savedState(name).pid as number;
  return {
    argv: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean),
    env: readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0'),
  };
}

beforeAll(async () => {
  sshd = await startSshd({ users: [{ name: user }, { name: slowUser }] });
  for (const dir of [venvs, condaEnvs, join(home, 'miniconda3'), join(home, 'modulefiles'), join(`/home/${slowUser}`, 'miniconda3')]) rmSync(dir, { recursive: true, force: true });
  venv(withServer, true);
  venv(bare, false);
  venv(condaAnalysis, true);
  venv(condaEmpty, false);
  condaStandIn(home, [condaAnalysis, condaEmpty]);
  // The user's own modulefiles, put on the module path by ~/.modulerc as Environment Modules reads it at init.
  for (const [name, body] of [
    [moduleName, `setenv HUBTRAY_LOADED_MODULE ${moduleName}`],
    ['gcc/12', 'setenv CC gcc-12'],
  ] as const) {
    mkdirSync(join(home, 'modulefiles', name, '..'), { recursive: true });
    writeFileSync(join(home, 'modulefiles', name), `#%Module1.0\n${body}\n`);
  }
  writeFileSync(join(home, '.modulerc'), `#%Module1.0\nmodule use ${join(home, 'modulefiles')}\n`);
  // Its scan hangs: conda takes a minute to answer.
  condaStandIn(`/home/${slowUser}`, [], 60);
  client = await writeClientConfig([
    { alias: 'box', sshd, user },
    { alias: 'slowbox', sshd, user: slowUser },
  ]);
  process.env.HUBTRAY_SSH_CONFIG = client.configPath;
  const system = { kind: 'ssh', cmd: ['jupyter', 'server'], start_timeout: 120 };
  h = await openHub(makeHome({ systems: { box: { ...system, host: 'box', environment_folders: ['~/envs'] }, slowbox: { ...system, host: 'slowbox' } } }));
});

afterAll(async () => {
  await h?.close();
  if (h) removeHome(h.home);
  await sshd?.stop();
  await client?.cleanup();
  delete process.env.HUBTRAY_SSH_CONFIG;
  for (const dir of [venvs, condaEnvs, join(home, 'miniconda3'), join(home, 'modulefiles'), join(home, '.modulerc'), join(`/home/${slowUser}`, 'miniconda3')]) rmSync(dir, { recursive: true, force: true });
});

describe('environments found on an ssh host', () => {
  it('logs in to no host to list the systems: a host nobody connected to yet offers its form as configured', async () => {
    const listed = await h.hub.listSystems();
    for (const name of ['box', 'slowbox']) expect(field(listed.find((s) => s.name === name)!.form.fields)).toMatchObject({ type: 'text' });
    expect(await sshd.log()).not.toMatch(/Accepted /);
  });

  it('lists a host whose scan hangs within the list’s bound, as configured, and starts on it without waiting', { timeout: 150_000 }, async () => {
    expect(await h.hub.testConnection({ settings: { kind: 'ssh', host: 'slowbox', cmd: ['jupyter', 'server'] } })).toMatchObject({ ok: true });
    const [slow] = (await h.hub.listSystems()).filter((s) => s.name === 'slowbox');
    expect(slow!.description).toMatch(/its options could not be fetched within 3 s; showing the (last ones it offered|configured ones)/);
    expect(field(slow!.form.fields)).toMatchObject({ type: 'text' });
    await h.hub.start({ system: 'slowbox', name: 'while-scanning' });
    await h.waitFor('while-scanning', ['running'], 120_000);
    await h.hub.stop({ name: 'while-scanning', now: true });
  });
  it('offers the conda environments, virtualenvs and Jupyter modules that have the configured server, and names those without', async () => {
    expect(await h.hub.testConnection({ settings: { kind: 'ssh', host: 'box', cmd: ['jupyter', 'server'] } })).toMatchObject({ ok: true });
    // On two busy cores the first scan may take longer than the list waits: then a later list has its answer.
    const listed = async () => field((await h.hub.listSystems()).find((s) => s.name === 'box')!.form.fields);
    await expect.poll(async () => (await listed())?.type, { timeout: 30_000 }).toBe('select');
    const offered = await listed();
    expect(offered).toMatchObject({ type: 'select', default: '' });
    const values = offered?.type === 'select' ? offered.choices.map((c) => c.value) : [];
    expect(values).toEqual(['', condaAnalysis, withServer, `module:${moduleName}`]);
    expect(offered?.help).toBe(`The environments and Jupyter modules found on the host. Without Jupyter Server: ${condaEmpty}, ${bare}.`);
  });

  it('starts the server with the chosen virtualenv’s python', { timeout: 150_000 }, async () => {
    await h.hub.start({ system: 'box', name: 'in-venv', options: { python_environment: withServer } });
    await h.waitFor('in-venv', ['running'], 120_000);
    const { argv } = serverProcess('in-venv');
    expect(argv.slice(0, 3)).toEqual([join(withServer, 'bin', 'python'), '-m', 'jupyter_server']);
    await h.hub.stop({ name: 'in-venv', now: true });
  });

  it('loads the chosen module before the server starts', { timeout: 150_000 }, async () => {
    await h.hub.start({ system: 'box', name: 'in-module', options: { python_environment: `module:${moduleName}` } });
    await h.waitFor('in-module', ['running'], 120_000);
    expect(serverProcess('in-module').env).toContain(`HUBTRAY_LOADED_MODULE=${moduleName}`);
    await h.hub.stop({ name: 'in-module', now: true });
  });

  it('refuses a module name that is shell code, saying what it takes', async () => {
    await expect(h.hub.start({ system: 'box', name: 'bad', options: { python_environment: 'module:x; touch /tmp/pwned' } })).rejects.toThrow(
      /Python environment: .* does not match the expected form/,
    );
  });

});
