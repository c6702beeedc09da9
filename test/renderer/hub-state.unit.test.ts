// The renderer's state is a pure function of the Hub's events.
import { describe, expect, it } from 'vitest';
import type { HubEvent, Prompt, ServerInfo } from '../../shared/api.js';
import { initialState, reduce, sortedServers, type HubState } from '../../renderer/src/state/hub-state.js';
import { serverInfo } from './server-info.js';

const server = (name: string, extra: Partial<ServerInfo> = {}) => serverInfo(name, 'starting', extra);
const prompt = (id: string): Prompt => ({ id, kind: 'password', title: 't', instructions: '', questions: [{ text: 'pw', echo: false }], canRemember: true });
const apply = (state: HubState, event: HubEvent, at = 0) => reduce(state, { type: 'event', event, at });

describe('hub state', () => {
  it('replaces a server with each server event and adds progress events to its log, once', () => {
    let state = apply(initialState, { event: 'server', data: server('a') });
    const progress: HubEvent = { event: 'progress', data: { name: 'a', event: { progress: 30, message: 'launching' } } };
    state = apply(apply(state, progress), progress);
    expect(state.servers.a?.events).toEqual([{ progress: 30, message: 'launching' }]);
    expect(state.servers.a?.progress).toBe(30);
    state = apply(state, { event: 'server', data: server('a', { status: 'running', progress: 100 }) });
    expect(state.servers.a).toMatchObject({ status: 'running', events: [] });
    // Progress for a server not (yet) known is ignored: its next server event carries it.
    expect(apply(state, { event: 'progress', data: { name: 'zz', event: { progress: 1, message: 'x' } } })).toBe(state);
  });

  it('counts a batch job’s walltime from the arrival of the event that told it', () => {
    let state = apply(initialState, { event: 'server', data: server('job', { status: 'running', walltimeLeftSeconds: 600 }) }, 1_000);
    expect(state.walltimeEnds.job).toBe(601_000);
    state = apply(state, { event: 'server', data: server('job', { status: 'stopped' }) }, 2_000);
    expect(state.walltimeEnds).toEqual({});
  });

  it('counts the idle culler\'s countdown from the event that told it, and keeps its warning out of the notices (it is the banner)', () => {
    let state = apply(initialState, { event: 'server', data: server('gpu', { status: 'running', cullInSeconds: 300 }) }, 1_000);
    expect(state.cullEnds.gpu).toBe(301_000);
    state = apply(state, { event: 'notice', data: { level: 'warning', message: 'gpu has been idle for 55 min; it stops in 5 min unless you keep it running', server: 'gpu', topic: 'cull' } });
    expect(state.notices).toEqual([]);
    // "Keep running": the next server event has no countdown, and the banner goes.
    state = apply(state, { event: 'server', data: server('gpu', { status: 'running' }) }, 2_000);
    expect(state.cullEnds).toEqual({});
    state = apply(state, { event: 'server', data: server('gpu', { status: 'running', cullInSeconds: 60 }) }, 3_000);
    state = apply(state, { event: 'forgotten', data: { name: 'gpu' } });
    expect(state.cullEnds).toEqual({});
  });

  it('drops a forgotten server and its walltime', () => {
    let state = apply(initialState, { event: 'server', data: server('job', { status: 'failed', walltimeLeftSeconds: 60 }) });
    state = apply(state, { event: 'server', data: server('keep') });
    state = apply(state, { event: 'forgotten', data: { name: 'job' } });
    expect(Object.keys(state.servers)).toEqual(['keep']);
    expect(state.walltimeEnds).toEqual({});
  });

  it('keeps prompts by id: announced, merged with a fetched list, closed', () => {
    let state = apply(initialState, { event: 'prompt', data: prompt('1') });
    state = reduce(state, { type: 'prompts', prompts: [prompt('1'), prompt('2')] });
    expect(state.prompts.map((p) => p.id)).toEqual(['1', '2']);
    state = apply(state, { event: 'promptClosed', data: { id: '1' } });
    expect(state.prompts.map((p) => p.id)).toEqual(['2']);
  });

  it('keeps the last five notices, each dismissible', () => {
    let state = initialState;
    for (let i = 0; i < 7; i++) state = apply(state, { event: 'notice', data: { level: 'info', message: `n${i}` } });
    expect(state.notices.map((n) => n.message)).toEqual(['n2', 'n3', 'n4', 'n5', 'n6']);
    state = reduce(state, { type: 'dismiss', id: state.notices[0]!.id });
    expect(state.notices.map((n) => n.message)).toEqual(['n3', 'n4', 'n5', 'n6']);
  });

  it('lists active servers first, newest first within each group', () => {
    const servers = {
      old: server('old', { status: 'stopped', createdAt: '2026-11-22T03:00:00.000Z' }),
      a: server('a', { status: 'running', createdAt: '2026-11-22T01:00:00.000Z' }),
      b: server('b', { status: 'starting', createdAt: '2026-11-22T02:00:00.000Z' }),
    };
    expect(sortedServers(servers).map((s) => s.name)).toEqual(['b', 'a', 'old']);
  });
});
