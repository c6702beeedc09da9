// Servers on one shell host are checked together: one real /bin/sh per round for all of them. Real processes on this
// computer; the host only counts the shells it runs (and, for one test, runs a broken one, as a host whose shell
// dies mid-script does).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalSystem } from '../../shared/config.js';
import { LocalHost } from '../../electron/core/kinds/local/local-host.js';
import { ShellSpawner, type ShellResult } from '../../electron/core/shell-spawner/shell-spawner.js';

const work = mkdtempSync(join(tmpdir(), 'hubtray-host-poller-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** This computer, counting the shells it starts; `broken` makes each one exit before its script ends. */
class CountingHost extends LocalHost {
  shells = 0;
  broken = false;

  override run(script: string): Promise<ShellResult> {
    this.shells += 1;
    return super.run(this.broken ? `${script.slice(0, script.indexOf('ht_check 0'))}exit 3\n` : script);
  }
}

// A server that is only a process: the spawner's flags (--port=…) go to sh as ignored arguments.
const settings = LocalSystem.parse({ kind: 'local', cmd: ['/bin/sh', '-c', 'exec sleep 600', 'server'], notebook_dir: work });

async function startServers(count: number): Promise<{ host: CountingHost; spawners: ShellSpawner[] }> {
  const host = new CountingHost(join(work, `run-${count}`));
  const owner = {};
  const spawners = Array.from({ length: count }, () => new ShellSpawner(settings, host, owner));
  for (const [i, spawner] of spawners.entries()) {
    await spawner.start({ serverName: `s${i}`, userOptions: {}, token: 't'.repeat(48), signal: new AbortController().signal });
  }
  host.shells = 0;
  return { host, spawners };
}

describe('the checks of servers on one host', () => {
  it('checks ten servers in one shell per round, regular polls on the host’s cadence, and a fresh poll at once', async () => {
    const { host, spawners } = await startServers(10);
    try {
      const regular = { everyMs: 1_000 };
      expect(await Promise.all(spawners.map((s) => s.poll(regular)))).toEqual(Array(10).fill(null));
      expect(host.shells).toBe(1);
      // The next regular polls wait for the next round, an interval after the first: one more shell for all ten.
      const asked = Date.now();
      expect(await Promise.all(spawners.map((s) => s.poll(regular)))).toEqual(Array(10).fill(null));
      expect(host.shells).toBe(2);
      expect(Date.now() - asked).toBeGreaterThanOrEqual(500);
      // A fresh check never takes an older answer, nor waits for the cadence.
      await spawners[0]?.poll();
      await spawners[1]?.poll();
      expect(host.shells).toBe(4);
    } finally {
      await Promise.all(spawners.map((s) => s.stop(true)));
    }
  });

  it('keeps one round per interval for servers whose polls come at scattered times, as the Hub’s jittered timers do', async () => {
    const { host, spawners } = await startServers(10);
    try {
      let polls = 0;
      const until = Date.now() + 5_000;
      await Promise.all(
        spawners.map(async (s) => {
          await new Promise((r) => setTimeout(r, Math.random() * 1_000));
          while (Date.now() < until) {
            expect(await s.poll({ everyMs: 1_000 })).toBeNull();
            polls += 1;
            await new Promise((r) => setTimeout(r, 1_000 * (0.9 + 0.2 * Math.random())));
          }
        }),
      );
      // About five rounds in five seconds for every poll of all ten, where one shell per poll would be about fifty.
      expect(polls).toBeGreaterThanOrEqual(20);
      expect(host.shells).toBeLessThanOrEqual(8);
    } finally {
      await Promise.all(spawners.map((s) => s.stop(true)));
    }
  });

  it('asks ps once per round, whatever the number of servers, and reads identities and ports without forking', async () => {
    const { host, spawners } = await startServers(10);
    // A probe, not a simulation: the real ps, first on PATH, counting its calls.
    const probe = mkdtempSync(join(tmpdir(), 'hubtray-ps-count-'));
    const realPs = execFileSync('/bin/sh', ['-c', 'command -v ps'], { encoding: 'utf8' }).trim();
    writeFileSync(join(probe, 'ps'), `#!/bin/sh\necho x >>'${probe}/calls'\nexec '${realPs}' "$@"\n`, { mode: 0o755 });
    const path = process.env.PATH;
    process.env.PATH = `${probe}:${path ?? ''}`;
    try {
      expect(await Promise.all(spawners.map((s) => s.poll()))).toEqual(Array(10).fill(null));
      expect(host.shells).toBe(1);
      expect(readFileSync(join(probe, 'calls'), 'utf8').trim().split('\n')).toHaveLength(1);
    } finally {
      process.env.PATH = path;
      rmSync(probe, { recursive: true, force: true });
      await Promise.all(spawners.map((s) => s.stop(true)));
    }
  });

  it('tells each server apart in a shared round: the one whose process was killed is gone, the others run', async () => {
    const { host, spawners } = await startServers(4);
    try {
      const victim = spawners[2] as ShellSpawner;
      process.kill(victim.getState().pid as number, 'SIGKILL');
      await expect.poll(() => victim.poll()).toBe(0);
      host.shells = 0;
      const others = spawners.filter((s) => s !== victim);
      expect(await Promise.all(others.map((s) => s.poll()))).toEqual([null, null, null]);
      // The gone one is no longer checked with the others: its record's checks ended.
      expect(host.shells).toBe(1);
      expect(await victim.poll()).toBe(0);
    } finally {
      await Promise.all(spawners.map((s) => s.stop(true)));
    }
  });

  it('gives every server of a failed round the failure, never "gone"', async () => {
    const { host, spawners } = await startServers(3);
    try {
      host.broken = true;
      const results = await Promise.allSettled(spawners.map((s) => s.poll()));
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      for (const r of results) expect(r.status === 'rejected' && String(r.reason)).toMatch(/could not poll the server on this computer: exit 3/);
      host.broken = false;
      expect(await Promise.all(spawners.map((s) => s.poll()))).toEqual([null, null, null]);
    } finally {
      await Promise.all(spawners.map((s) => s.stop(true)));
    }
  });
});
