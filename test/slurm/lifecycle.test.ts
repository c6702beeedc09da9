// A Slurm system end to end in the Hub: a private single-node Slurm cluster behind a real sshd (its login node),
// Debian's Jupyter server as the batch job, reached through hubtray's tunnel 127.0.0.1 -> login node -> node:port.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../shared/api.js';
import { slurmOptionsForm, slurmUserOptions } from '../../shared/kinds/slurm.js';
import { makeHome, openHub, removeHome, type HubHarness } from '../fixtures/hub-harness.js';
import { filesContaining } from '../secrets/find-in-files.js';
import { jobProcesses, startLoginNode, type LoginNode } from './cluster.js';

let node: LoginNode;
let h: HubHarness;
const scratch = mkdtempSync(join(tmpdir(), 'hubtray-slurm-lifecycle-'));

beforeAll(async () => {
  node = await startLoginNode();
  h = await openHub(
    makeHome({
      systems: {
        cluster: node.system({
          req_runtime: '30',
          // The default form, plus notebook_dir, so that a user option reaches the job's shell code too.
          options_form: { fields: [...slurmOptionsForm.fields, { name: 'dir', type: 'text' }] },
          apply_user_options: { ...slurmUserOptions, dir: 'notebook_dir' },
          environment: { HT_HOSTILE: `$(touch ${scratch}/pwned)'"\`touch ${scratch}/pwned\`` },
        }),
      },
    }),
  );
});

afterAll(async () => {
  await h?.close();
  await node?.stop();
  if (h) removeHome(h.home);
  rmSync(scratch, { recursive: true, force: true });
});

function messages(name: string): string[] {
  return h.events.filter((e) => e.event === 'progress' && e.data.name === name).map((e) => (e.data as { event: ProgressEvent }).event.message);
}

async function jobOf(name: string) {
  const id = h.savedState(name).job_id as string;
  return (await node.slurm.jobs()).find((j) => j.id === id);
}

describe('slurm system', () => {
  it('submits a job, follows it to its node, opens it through the tunnel, and stops it', async () => {
    await h.hub.start({ system: 'cluster', name: 'one' });
    const running = await h.waitFor('one', ['running', 'failed']);
    expect(running.reason).toBeNull();
    expect(running.status).toBe('running');
    expect(running.tunnel.state).toBe('connected');
    expect(running.walltimeLeftSeconds).toBeGreaterThan(25 * 60);
    expect(running.walltimeLeftSeconds).toBeLessThanOrEqual(30 * 60);
    const said = messages('one');
    expect(said).toContainEqual(expect.stringMatching(/^Submitted batch job \d+ to Slurm on cluster$/));
    expect(said.indexOf('Running on node localhost')).toBeGreaterThan(said.findIndex((m) => m.startsWith('Submitted')));

    const state = h.savedState('one');
    const jobId = state.job_id as string;
    expect(await jobOf('one')).toMatchObject({ state: 'RUNNING', name: 'hubtray-one' });

    const { url } = await h.hub.open({ name: 'one' });
    const token = new URL(url).searchParams.get('token')!;
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    const status = await request(new URL('api/status', running.url!), { headers: { authorization: `token ${token}` } });
    expect(status.statusCode).toBe(200);
    await status.body.dump();

    // The job wrote its connection file, readable by its owner only; the token was made there, on the node.
    const connection = `/root/.hubtray/jobs/${state.run_id as string}.json`;
    expect(statSync(connection).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(connection, 'utf8'))).toMatchObject({ node: 'localhost', token });
    // ...so Slurm never saw it: not in its state (batch script, job environment), spool or logs, not in
    // `scontrol show job`, not in the batch shell's environment; only the server's own environment has it.
    expect(await filesContaining(node.slurm.dir, token)).toEqual([]);
    expect(await node.slurm.command('scontrol', ['show', 'job', '-dd', jobId])).not.toContain(token);
    const [batchShell] = await jobProcesses(node.slurm, jobId, 'slurm_script');
    expect(readFileSync(`/proc/${batchShell}/environ`, 'utf8')).not.toContain(token);
    const [server] = await jobProcesses(node.slurm, jobId, '/usr/bin/jupyter');
    expect(readFileSync(`/proc/${server}/environ`, 'utf8').split('\0')).toContain(`JUPYTER_TOKEN=${token}`);
    // Nor did hubtray write it anywhere: it is in the keychain.
    expect(await filesContaining(h.home, token)).toEqual([]);
    expect((await h.hub.logs({ name: 'one' })).text).toMatch(/Jupyter Server .* is running at/);

    const stopped = await h.hub.stop({ name: 'one' });
    expect(stopped.status).toBe('stopped');
    // Stop waited until the job had left its node, and cleaned up after it.
    expect((await node.slurm.jobs()).find((j) => j.id === jobId)?.state).toBe('CANCELLED');
    expect(await jobProcesses(node.slurm, jobId, 'jupyter')).toEqual([]);
    expect(existsSync(connection)).toBe(false);
  });

  it('shows why a queued job waits and when it may start; cancelling it leaves no job', async () => {
    await h.hub.start({ system: 'cluster', name: 'held', options: { req_options: '--begin=now+1hour' } });
    // HH:MM, with the date before it when the start is not today (an hour from 23:10 is tomorrow).
    const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const expected = (ms: number) => {
      const at = new Date(ms);
      const hhmm = at.toTimeString().slice(0, 5);
      return day(at) === day(new Date()) ? hhmm : `${day(at)} ${hhmm}`;
    };
    const submitted = Date.now();
    await expect.poll(() => messages('held').at(-1), { timeout: 20_000 }).toMatch(/^Queued: BeginTime, expected start (\d{4}-\d\d-\d\d )?\d\d:\d\d$/);
    // In an hour, by the minute (the submission may have crossed into the next one).
    expect([3600_000, 3660_000].map((later) => `Queued: BeginTime, expected start ${expected(submitted + later)}`)).toContain(messages('held').at(-1));
    const job = await jobOf('held');
    expect(job).toMatchObject({ state: 'PENDING', reason: 'BeginTime' });

    await h.hub.cancel({ name: 'held' });
    const cancelled = await h.waitFor('held', ['cancelled', 'failed']);
    expect(cancelled.status).toBe('cancelled');
    expect((await node.slurm.jobs()).find((j) => j.id === job!.id)?.state).toBe('CANCELLED');
  });

  it('fails a job whose prologue fails, with the output tail', async () => {
    await h.hub.start({ system: 'cluster', name: 'badprologue', options: { req_prologue: 'module load no-such-module' } });
    const failed = await h.waitFor('badprologue', ['failed', 'running']);
    expect(failed.status).toBe('failed');
    expect(failed.reason).toMatch(/batch job \d+ FAILED: it failed \(NonZeroExitCode\), exit code 127/);
    expect(failed.reason).toMatch(/last lines of the job's output[\s\S]*module: (command )?not found/);
    expect(failed.reason).toContain('the prologue failed (exit status 127), so the server was not started');
  });

  it('keeps hostile option values data: nothing in them runs, on the login node or in the job', async () => {
    const marker = join(scratch, 'pwned');
    await expect(h.hub.start({ system: 'cluster', name: 'bad', options: { req_partition: `debug'; touch ${marker}; '` } })).rejects.toThrow(/Partition: .* does not match/);
    await expect(h.hub.start({ system: 'cluster', name: 'bad', options: { req_options: `--comment=x\ntouch ${marker}` } })).rejects.toThrow(/sbatch option/);

    // Relative: a command injected there would run in the login shell's or the job's working directory.
    const dir = join(scratch, `x'; touch pwned; echo '$(touch pwned)\`touch pwned\`"\nnext`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'here.txt'), '');
    const comment = `"$(touch ${marker}) \`touch ${marker}\`; touch ${marker}"`;
    await h.hub.start({ system: 'cluster', name: 'hostile', options: { dir, req_options: `--comment=${comment}` } });
    const running = await h.waitFor('hostile', ['running', 'failed']);
    expect(running.reason).toBeNull();
    const jobId = h.savedState('hostile').job_id as string;
    // The values arrived as they were written.
    expect(await node.slurm.command('scontrol', ['show', 'job', jobId])).toContain(`Comment=$(touch ${marker}) \`touch ${marker}\`; touch ${marker}`);
    const { url } = await h.hub.open({ name: 'hostile' });
    const contents = await request(new URL('api/contents', running.url!), { headers: { authorization: `token ${new URL(url).searchParams.get('token')}` } });
    expect(((await contents.body.json()) as { content: { name: string }[] }).content.map((c) => c.name)).toEqual(['here.txt']);
    const [server] = await jobProcesses(node.slurm, jobId, '/usr/bin/jupyter');
    expect(readFileSync(`/proc/${server}/environ`, 'utf8').split('\0')).toContain(`HT_HOSTILE=$(touch ${scratch}/pwned)'"\`touch ${scratch}/pwned\``);
    await h.hub.stop({ name: 'hostile' });
    for (const where of [scratch, dir, '/root']) expect(existsSync(join(where, 'pwned'))).toBe(false);
  });
});
