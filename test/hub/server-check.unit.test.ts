// What a check concludes from the process check and the HTTP answer. The spawner here is a stand-in (its poll() is
// the whole of it); each case is one way users' hosts answer.
import { describe, expect, it } from 'vitest';
import { checkServer } from '../../electron/core/hub/server-check.js';

// A process table (confirmsExitByHttp), as the shell spawners read one.
const poll = (result: number | null | Error, confirmsExitByHttp = true) => ({
  confirmsExitByHttp,
  poll: async () => (result instanceof Error ? Promise.reject(result) : result),
});
const answers = (yes: boolean) => async () => yes;

describe('checkServer', () => {
  it('a process that runs is running, whether or not it answers this moment', async () => {
    expect(await checkServer(poll(null), answers(true))).toEqual({ state: 'running', answers: true });
    expect(await checkServer(poll(null), answers(false))).toEqual({ state: 'running', answers: false });
  });

  it('a running process is not asked over HTTP when the caller does not want it; a gone one always is', async () => {
    const asked: string[] = [];
    const answering = async () => (asked.push('asked'), true);
    expect(await checkServer(poll(null), answering, {}, false)).toEqual({ state: 'running', answers: null });
    expect(asked).toEqual([]);
    expect(await checkServer(poll(0), answering, {}, false)).toMatchObject({ state: 'unknown' });
    expect(asked).toEqual(['asked']);
  });

  it('proven gone only when the process check and HTTP agree', async () => {
    expect(await checkServer(poll(0), answers(false))).toEqual({ state: 'exited', status: 0 });
    expect(await checkServer(poll(3), answers(false))).toEqual({ state: 'exited', status: 3 });
  });

  it('a process check that says gone while the server answers with its token is "cannot tell" (a clock step, a broken ps)', async () => {
    expect(await checkServer(poll(0), answers(true))).toMatchObject({ state: 'unknown', why: expect.stringMatching(/still answers HTTP with its token/) });
  });

  it('a system that reports the end itself (a scheduler, a remote hub, an Outpost) is taken at its word', async () => {
    expect(await checkServer(poll(0, false), answers(true))).toEqual({ state: 'exited', status: 0 });
  });

  it('a host that cannot be reached is "cannot tell", with its words', async () => {
    expect(await checkServer(poll(new Error('ssh host lab is unreachable')), answers(false))).toEqual({
      state: 'unknown',
      why: 'hubtray cannot check it: ssh host lab is unreachable',
    });
  });
});
