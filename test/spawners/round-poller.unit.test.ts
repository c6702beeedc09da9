// The shared round poller (here as a batch queue's) with a fake queue (a counting stand-in for squeue, so that rounds can be counted exactly):
// many waiters share one query per interval, each query covers every watched job, and failures reach every waiter.
import { describe, expect, it } from 'vitest';
import type { JobStatus } from '../../electron/core/batch/batch-adapter.js';
import { RoundPoller, sharedPoller, type RoundSource } from '../../electron/core/spawner/round-poller.js';

function fakeQueue(fail = false): RoundSource<JobStatus> & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async query(ids) {
      calls.push([...ids]);
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (fail) throw new Error('squeue failed: Unable to contact slurm controller');
      const running = (id: string): JobStatus => ({ id, phase: 'running', state: 'RUNNING', reason: null, node: 'n1', startTime: null, timeLeftSeconds: null, exit: null });
      return new Map(ids.filter((id) => id !== 'gone').map((id) => [id, running(id)]));
    },
  };
}

describe('queue poller', () => {
  it('serves twenty jobs that each want a fresh status every 50 ms with one query per 50 ms', async () => {
    const queue = fakeQueue();
    const poller = new RoundPoller(queue);
    const ids = Array.from({ length: 20 }, (_, i) => String(i + 1));
    ids.forEach((id) => poller.watch(id));
    const started = Date.now();
    await Promise.all(
      ids.map(async (id) => {
        for (let since = 0; Date.now() - started < 500; ) since = (await poller.observe(id, since, 50)).at + 1;
      }),
    );
    const rounds = Math.round((Date.now() - started) / 50);
    // Never more than one per interval; fewer only if the machine is slow.
    expect(queue.calls.length).toBeGreaterThanOrEqual(3);
    expect(queue.calls.length).toBeLessThanOrEqual(rounds + 1);
    for (const call of queue.calls) expect(call).toEqual(ids);
  });

  it('answers from the last query while it is fresh enough, and says when the queue no longer knows a job', async () => {
    const queue = fakeQueue();
    const poller = new RoundPoller(queue);
    poller.watch('1');
    poller.watch('gone');
    const first = await poller.observe('1', Date.now(), 10_000);
    expect(await poller.observe('gone', Date.now() - 1000, 10_000)).toEqual({ status: null, at: first.at });
    expect(queue.calls).toEqual([['1', 'gone']]);
  });

  it('passes a failed query to every waiter, and tries again at the next one', async () => {
    const poller = new RoundPoller(fakeQueue(true));
    poller.watch('1');
    poller.watch('2');
    const results = await Promise.allSettled([poller.observe('1', Date.now(), 10), poller.observe('2', Date.now(), 10)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(poller.observe('1', Date.now(), 10)).rejects.toThrow(/Unable to contact/);
  });

  it('stops waiting on abort, and refuses jobs it does not watch', async () => {
    const poller = new RoundPoller(fakeQueue());
    poller.watch('1');
    await poller.observe('1', 0, 60_000);
    const abort = new AbortController();
    const waiting = poller.observe('1', Date.now() + 1, 60_000, abort.signal);
    abort.abort(new Error('cancelled by the user'));
    await expect(waiting).rejects.toThrow('cancelled by the user');
    poller.unwatch('1');
    await expect(poller.observe('1', 0, 10)).rejects.toThrow(/not watched/);
  });

  it('is one poller per owner and cluster', () => {
    const pool = {};
    const a = sharedPoller(pool, 'login-a', () => new RoundPoller(fakeQueue()));
    expect(sharedPoller(pool, 'login-a', () => new RoundPoller(fakeQueue()))).toBe(a);
    expect(sharedPoller(pool, 'login-b', () => new RoundPoller(fakeQueue()))).not.toBe(a);
    expect(sharedPoller({}, 'login-a', () => new RoundPoller(fakeQueue()))).not.toBe(a);
  });

  it('does not queue a fresh check behind a round stuck since before it asked, nor lets that round overwrite newer answers', async () => {
    let release: () => void = () => {};
    const stuck = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const source: RoundSource<string> = {
      async query(ids) {
        calls += 1;
        // The first round hangs, as one on a dead SSH link does until keepalives give up.
        if (calls === 1) await stuck;
        return new Map(ids.map((id) => [id, calls === 1 ? 'stale' : 'fresh']));
      },
    };
    const poller = new RoundPoller(source);
    poller.watch('1');
    const first = poller.observe('1', Date.now(), 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const fresh = await poller.observe('1', Date.now(), 0);
    expect(fresh.status).toBe('fresh');
    release();
    expect((await first).status).toBe('fresh');
    expect(await poller.observe('1', 0, 0)).toEqual(fresh);
  });
});

