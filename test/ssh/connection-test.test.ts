// "Test connection" on ssh (and local) systems against a real sshd on this machine and Debian's real Jupyter: what a
// person needs before the first start (host name, the command's path and version, JupyterLab or not, Python, the
// host key recorded at the first login), a cmd that is missing (the Jupyter commands that are there, on PATH or in a
// user's ~/.local/bin, and the cmd to set), and hostile values that stay words.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionReport } from '../../shared/api.js';
import { fingerprint } from '../../electron/core/ssh/known-hosts.js';
import { startSshd, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';

const probeUser = 'hubtray-probe';
const probeBin = `/home/${probeUser}/.local/bin`;
let sshd: Sshd;
let client: ClientConfig;
let h: HubHarness;

/** What this machine really has, asked directly: the tests assert that, not a version written here. */
function local(file: string, args: string[]): { ok: boolean; out: string } {
  try {
    return { ok: true, out: execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim() };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}`.trim() };
  }
}
const serverVersion = local('/usr/bin/jupyter', ['server', '--version']).out;
const lab = local('/usr/bin/jupyter', ['lab', '--version']);
const labPackage = /^\s*jupyterlab\s*:\s*(.+?)\s*$/m.exec(local('/usr/bin/jupyter', ['--version']).out)?.[1] ?? '';
const pythonVersion = local('/usr/bin/python3', ['--version']).out;

function test(settings: Record<string, unknown>): Promise<ConnectionReport> {
  return h.hub.testConnection({ settings: { kind: 'ssh', host: 'box', ...settings } });
}

beforeAll(async () => {
  sshd = await startSshd({ users: [{ name: 'root' }, { name: probeUser }] });
  // No known_hosts yet: the first login records the host key, as OpenSSH's accept-new does.
  client = await writeClientConfig([
    { alias: 'box', sshd },
    { alias: 'probe', sshd, user: probeUser },
  ]);
  process.env.HUBTRAY_SSH_CONFIG = client.configPath;
  // A user's own install in one of the usual places: pip install --user puts jupyter-server in ~/.local/bin.
  mkdirSync(probeBin, { recursive: true });
  symlinkSync('/usr/bin/jupyter-server', join(probeBin, 'jupyter-server'));
  h = await openHub(makeHome({}));
});

afterAll(async () => {
  await h?.close();
  if (h) removeHome(h.home);
  await sshd?.stop();
  await client?.cleanup();
  delete process.env.HUBTRAY_SSH_CONFIG;
  rmSync(`/home/${probeUser}/.local`, { recursive: true, force: true });
});

describe('Test connection on an ssh system', () => {
  it('a first login to a new host: the verdict first, then host name, command, JupyterLab, Python, and the host key recorded', async () => {
    const report = await test({ cmd: ['/usr/bin/jupyter', 'server'] });
    const lines = report.message.split('\n');
    expect(report.ok, report.message).toBe(true);
    expect(lines[0]).toBe(`Ready: reached ssh host box as root; /usr/bin/jupyter server ${serverVersion} is there.`);
    expect(lines).toContain(`Host: ${hostname()}`);
    expect(lines).toContain(`Command: /usr/bin/jupyter server is /usr/bin/jupyter, version ${serverVersion}`);
    expect(lines).toContain(labPackage === 'not installed' ? 'JupyterLab: not installed (per /usr/bin/jupyter)' : `JupyterLab: ${labPackage} (per /usr/bin/jupyter)`);
    expect(lines).toContain(`Python: ${pythonVersion} (/usr/bin/python3)`);
    const [keyType = '', key = ''] = sshd.knownHostsLine.split(' ').slice(1);
    const print = fingerprint(Buffer.from(key, 'base64'));
    expect(lines).toContain(`Host key: first login to [127.0.0.1]:${sshd.port}: recorded ${keyType} ${print} in ${client.knownHostsPath}`);
  });

  it('the same host again: the host key is the one on record', async () => {
    const report = await test({ cmd: ['/usr/bin/jupyter', 'server'] });
    expect(report.message).toMatch(new RegExp(`^Host key: on record for \\[127\\.0\\.0\\.1\\]:${sshd.port} \\(checked at login\\): ssh-ed25519 SHA256:\\S+ in ${client.knownHostsPath}$`, 'm'));
  });

  it("the default cmd (jupyter lab) on Debian's Jupyter: ready only when JupyterLab is really installed, else the command to use instead", async () => {
    const report = await test({});
    const lines = report.message.split('\n');
    expect(report.ok, report.message).toBe(lab.ok);
    if (lab.ok) {
      expect(lines[0]).toBe(`Ready: reached ssh host box as root; jupyter lab ${lab.out} is there.`);
    } else {
      // What jupyter itself says, e.g. "Jupyter command `jupyter-lab` not found."
      expect(lines[0]).toBe(`Not ready: reached ssh host box as root, but "jupyter lab --version" failed there: ${lab.out.split('\n').at(-1)?.trim().replace(/\.$/, '')}.`);
      expect(lines).toContain('Command: jupyter lab is /usr/bin/jupyter');
      expect(lines).toContain('Jupyter commands there: /usr/bin/jupyter-server');
      expect(lines).toContain('To use `jupyter server`, set Jupyter command [cmd] to ["/usr/bin/jupyter-server"]; or install JupyterLab there (e.g. pip install --user jupyterlab).');
    }
  });

  it("a cmd that is not installed: names the Jupyter commands on PATH and in the user's ~/.local/bin, and the one to set", async () => {
    const report = await test({ host: 'probe', cmd: 'jupyter-notebook' });
    const lines = report.message.split('\n');
    expect(report.ok).toBe(false);
    expect(lines[0]).toBe(`Not ready: reached ssh host probe as ${probeUser}, but "jupyter-notebook" was not found there.`);
    expect(lines).toContain('Command: jupyter-notebook: not found on PATH');
    expect(lines).toContain(`Jupyter commands there: /usr/bin/jupyter-server, ${probeBin}/jupyter-server`);
    expect(lines).toContain('To use `jupyter server`, set Jupyter command [cmd] to ["/usr/bin/jupyter-server"]; or install JupyterLab there (e.g. pip install --user jupyterlab).');
    // Following the advice makes the test pass.
    const fixed = await test({ host: 'probe', cmd: ['/usr/bin/jupyter-server'] });
    expect(fixed.ok, fixed.message).toBe(true);
    expect(fixed.message.split('\n')[0]).toBe(`Ready: reached ssh host probe as ${probeUser}; /usr/bin/jupyter-server ${serverVersion} is there.`);
  });

  it('a hostile cmd stays one word on the host: reported missing, nothing run', async () => {
    const marker = join(tmpdir(), `hubtray-cmd-pwned-${process.pid}`);
    const report = await test({ cmd: [`$(touch ${marker})'"\`touch ${marker}\``, 'lab'] });
    expect(report.ok).toBe(false);
    expect(report.message.split('\n')[0]).toMatch(/was not found there\.$/);
    expect(existsSync(marker)).toBe(false);
  });

  it('a host that does not answer: one line that says so, no facts made up', async () => {
    const report = await test({ host: '127.0.0.1', port: 1, connect_timeout: 2 });
    expect(report.ok).toBe(false);
    expect(report.message).toMatch(/^Not ready: could not reach ssh host 127\.0\.0\.1: /);
    expect(report.message).not.toContain('\n');
  });
});

describe('Test connection on a local system', () => {
  it('this computer gives the same facts as an SSH host on it, without a host key', async () => {
    const viaSsh = (await test({ cmd: ['/usr/bin/jupyter', 'server'] })).message.split('\n');
    const here = await h.hub.testConnection({ settings: { kind: 'local', cmd: ['/usr/bin/jupyter', 'server'] } });
    const lines = here.message.split('\n');
    expect(here.ok, here.message).toBe(true);
    expect(lines[0]).toMatch(new RegExp(`^Ready: reached this computer as \\S+; /usr/bin/jupyter server ${serverVersion.replaceAll('.', '\\.')} is there\\.$`));
    const facts = (all: string[]) => all.filter((l) => /^(Host|Command|JupyterLab):/.test(l));
    expect(facts(lines)).toEqual(facts(viaSsh));
    expect(lines.some((l) => l.startsWith('Python: Python 3'))).toBe(true);
    expect(lines.some((l) => l.startsWith('Host key:'))).toBe(false);
  });
});
