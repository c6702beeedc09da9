// An ssh system end to end in the Hub: a real sshd on 127.0.0.1, Debian's real Jupyter server behind it, reached
// through hubtray's own tunnel. The "remote" host is this machine, so a remote PID can be checked in /proc.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { freePort } from '../fixtures/ports.js';
import { makeHome, openHub, pidAlive, removeHome, type HubHarness } from '../fixtures/hub-harness.js';

const jupyter = { cmd: ['/usr/bin/jupyter', 'server'], args: ['--allow-root'] };
let sshd: Sshd;
let client: ClientConfig;
let h: HubHarness;
const scratch = mkdtempSync(join(tmpdir(), 'hubtray-ssh-system-'));

beforeAll(async () => {
  sshd = await startSshd();
  client = await writeClientConfig([{ alias: 'lab', sshd }]);
  process.env.HUBTRAY_SSH_CONFIG = client.configPath;
  h = await openHub(
    makeHome({
      systems: {
        lab: {
          kind: 'ssh',
          host: 'lab',
          ...jupyter,
          notebook_dir: scratch,
          options_form: { fields: [{ name: 'dir', type: 'text' }] },
          apply_user_options: { dir: 'notebook_dir' },
        },
        nojupyter: { kind: 'ssh', host: 'lab', cmd: ['no-such-jupyter', 'lab'] },
        crashes: { kind: 'ssh', host: 'lab', cmd: ['/bin/sh', '-c', 'echo "boom: cannot start" >&2; exit 3'] },
        silent: { kind: 'ssh', host: 'lab', cmd: ['/bin/sh', '-c', 'exec sleep 300'], start_timeout: 3, http_timeout: 60, interrupt_timeout: 1 },
        deaf: { kind: 'ssh', host: 'lab', cmd: ['/bin/sh', '-c', 'exec sleep 300'], http_timeout: 2, interrupt_timeout: 1 },
        // An explicit port wins over the ssh config's; nothing listens on this one.
        unreachable: { kind: 'ssh', host: 'lab', port: await freePort(), ...jupyter, connect_timeout: 3 },
      },
    }),
  );
});

afterAll(async () => {
  await h?.close();
  await sshd?.stop();
  await client?.cleanup();
  if (h) removeHome(h.home);
  rmSync(scratch, { recursive: true, force: true });
  delete process.env.HUBTRAY_SSH_CONFIG;
});

describe('ssh system', () => {
  it('starts Jupyter on the host, reaches it through a tunnel on 127.0.0.1, opens, lists and stops it', async () => {
    const started = await h.hub.start({ system: 'lab', name: 'one' });
    expect(started.status).toBe('starting');
    const running = await h.waitFor('one', ['running', 'failed']);
    expect(running.reason).toBeNull();
    expect(running.status).toBe('running');
    expect(running.tunnel.state).toBe('connected');
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const progress = h.events.filter((e) => e.event === 'progress' && e.data.name === 'one').map((e) => (e.data as { event: { progress: number } }).event.progress);
    expect(progress.at(-1)).toBe(100);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);

    const { url } = await h.hub.open({ name: 'one' });
    const token = new URL(url).searchParams.get('token');
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    const status = await request(new URL('api/status', running.url!), { headers: { authorization: `token ${token}` } });
    expect(status.statusCode).toBe(200);
    await status.body.dump();

    const { text } = await h.hub.logs({ name: 'one' });
    expect(text).toMatch(/Jupyter Server .* is running at/);
    expect(text).not.toContain(token!);

    const pid = h.savedState('one').pid as number;
    expect(pidAlive(pid)).toBe(true);
    const stopped = await h.hub.stop({ name: 'one' });
    expect(stopped.status).toBe('stopped');
    expect(pidAlive(pid)).toBe(false);
    expect((await h.hub.listServers()).find((s) => s.name === 'one')?.url).toBeNull();
    await expect(h.hub.open({ name: 'one' })).rejects.toThrow(/not running/);
  });

  it('quotes hostile user options on the remote shell: nothing in them runs', async () => {
    // The injected commands would run in the remote shell's working directory, its $HOME.
    const marker = join(homedir(), 'hubtray-pwned');
    const hostile = join(scratch, `x'; touch hubtray-pwned; echo '$(touch hubtray-pwned)\`touch hubtray-pwned\`"\nnext`);
    mkdirSync(hostile);
    await h.hub.start({ system: 'lab', name: 'hostile', formData: { dir: [hostile] } });
    const server = await h.waitFor('hostile', ['running', 'failed']);
    expect(server.reason).toBeNull();
    expect(server.userOptions).toEqual({ dir: hostile });
    const pid = h.savedState('hostile').pid as number;
    await h.hub.stop({ name: 'hostile' });
    expect(pidAlive(pid)).toBe(false);
    expect(existsSync(marker)).toBe(false);
  });

  it('says so when jupyter is missing on the host', async () => {
    await h.hub.start({ system: 'nojupyter', name: 'nj' });
    const server = await h.waitFor('nj', ['failed', 'running']);
    expect(server.status).toBe('failed');
    // The cause first, then what to set, then what the host said.
    expect(server.reason).toMatch(/^`no-such-jupyter` is not a command on ssh host lab; `jupyter server` is\.\nTo use `jupyter server`, set Jupyter command \[cmd\] to \["\/usr\/bin\/jupyter-server"\]/);
    expect(server.reason).toMatch(/\n--- what ssh host lab said ---\nno-such-jupyter: command not found on /);
  });

  it('reports a server that exits during its start, with its own words from the log', async () => {
    await h.hub.start({ system: 'crashes', name: 'crash' });
    const server = await h.waitFor('crash', ['failed', 'running']);
    expect(server.status).toBe('failed');
    // The log's last line is the cause, and the log follows it.
    expect(server.reason).toMatch(/^the server exited during its start: boom: cannot start\n--- last lines of the server log ---\n/);
  });

  it('kills the remote process when start_timeout passes', async () => {
    await h.hub.start({ system: 'silent', name: 'slow' });
    await h.waitFor('slow', ['starting']);
    let pid: number | undefined;
    for (let i = 0; i < 40 && !pid; i++) {
      pid = h.savedState('slow').pid as number | undefined;
      if (!pid) await new Promise((r) => setTimeout(r, 100));
    }
    expect(pid && pidAlive(pid)).toBe(true);
    const server = await h.waitFor('slow', ['failed', 'running']);
    expect(server.reason).toMatch(/^the start did not finish within Start timeout \[start_timeout\] \(3 s\)\nIf the system is only slow to start servers, raise Start timeout \[start_timeout\]/);
    expect(pidAlive(pid!)).toBe(false);
  });

  it('kills the remote process when it does not answer within http_timeout', async () => {
    await h.hub.start({ system: 'deaf', name: 'deaf' });
    const server = await h.waitFor('deaf', ['failed', 'running']);
    // It names where it knocked: the local end of the tunnel and the host and port it leads to.
    expect(server.reason).toMatch(/^the server did not answer HTTP within HTTP timeout \[http_timeout\] \(2 s\) at http:\/\/127\.0\.0\.1:\d+\/ \(through the tunnel to 127\.0\.0\.1:\d+ on \S+\)\n/);
    // And how to give a slow server more time.
    expect(server.reason?.split('\n')[1]).toMatch(/^If it is only slow to start, raise HTTP timeout \[http_timeout\] in the system's settings .*Start timeout \[start_timeout\], now 60 s/);
    // The list shows the end as soon as it is known; state.json holds it once its write is done.
    await expect.poll(() => h.savedState('deaf')).toEqual({});
  });

  it('fails an unreachable host within its connect timeout, naming it', async () => {
    const t0 = Date.now();
    await h.hub.start({ system: 'unreachable', name: 'gone' });
    const server = await h.waitFor('gone', ['failed', 'running']);
    expect(server.status).toBe('failed');
    expect(server.reason).toMatch(/127\.0\.0\.1:\d+/);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it('cancels a start: the launched process is stopped and the server is marked cancelled', async () => {
    await h.hub.start({ system: 'silent', name: 'cancelme' });
    let pid: number | undefined;
    for (let i = 0; i < 40 && !pid; i++) {
      pid = h.savedState('cancelme').pid as number | undefined;
      if (!pid) await new Promise((r) => setTimeout(r, 100));
    }
    await h.hub.cancel({ name: 'cancelme' });
    const server = await h.waitFor('cancelme', ['cancelled', 'failed']);
    expect(server.status).toBe('cancelled');
    expect(pidAlive(pid!)).toBe(false);
  });

  it('stops a server that had already died, reporting it rather than failing', async () => {
    await h.hub.start({ system: 'lab', name: 'dies' });
    await h.waitFor('dies', ['running']);
    const pid = h.savedState('dies').pid as number;
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 50 && pidAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    const stopped = await h.hub.stop({ name: 'dies' });
    expect(stopped.status).toBe('stopped');
  });

  it('refuses a second server of the same name while the first is active', async () => {
    await h.hub.start({ system: 'silent', name: 'twin' });
    await expect(h.hub.start({ system: 'silent', name: 'twin' })).rejects.toThrow(/already starting/);
    await h.hub.cancel({ name: 'twin' });
    await h.waitFor('twin', ['cancelled']);
  });
});

// Last, because it replaces the shared sshd's host key.
describe('ssh system whose host key changed', () => {
  it('refuses to connect, naming the host and both fingerprints, and starts nothing', async () => {
    await sshd.restart({ newHostKey: true });
    await h.hub.start({ system: 'lab', name: 'mitm' });
    const server = await h.waitFor('mitm', ['failed', 'running']);
    expect(server.status).toBe('failed');
    expect(server.reason).toMatch(/127\.0\.0\.1/);
    expect(server.reason?.match(/SHA256:[A-Za-z0-9+/]{43}/g)?.length).toBe(2);
    await expect.poll(() => h.savedState('mitm')).toEqual({});
  });
});
