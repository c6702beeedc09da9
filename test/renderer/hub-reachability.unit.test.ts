// What the page knows of the servers while hubtray cannot be reached, and once it can again.
import { describe, expect, it } from 'vitest';
import { hubReachable, initialState, reduce, type Action, type HubState } from '../../renderer/src/state/hub-state.js';
import { serverInfo } from './server-info.js';

const run = (state: HubState, ...actions: Action[]) => actions.reduce(reduce, state);
const server = (name: string) => ({ type: 'event', event: { event: 'server', data: serverInfo(name, 'running') }, at: 0 }) as const;

describe('hub reachability', () => {
  it('is reachable only while the event stream is up', () => {
    expect(hubReachable(initialState)).toBe(false);
    for (const status of ['connecting', 'disconnected', 'unauthorized'] as const) {
      expect(hubReachable(reduce(initialState, { type: 'connection', status }))).toBe(false);
    }
    expect(hubReachable(reduce(initialState, { type: 'connection', status: 'connected' }))).toBe(true);
  });

  it('after a reconnection, drops the servers that neither the snapshot nor the listing has any more', () => {
    let state = run(initialState, { type: 'connection', status: 'connected' }, server('kept'), server('gone'), server('late'));
    expect(state.unconfirmed).toEqual([]);
    // Contact lost, then back: everything known is unconfirmed until the new stream's snapshot says otherwise.
    state = run(state, { type: 'connection', status: 'disconnected' }, { type: 'connection', status: 'connecting' }, { type: 'connection', status: 'connected' });
    expect(state.unconfirmed.sort()).toEqual(['gone', 'kept', 'late']);
    state = run(state, server('kept'));
    expect(state.unconfirmed.sort()).toEqual(['gone', 'late']);
    // 'late' is listed (its snapshot event is still on its way); 'gone' is neither: it went while the page was away.
    state = run(state, { type: 'listed', names: ['kept', 'late', 'new'] });
    expect(Object.keys(state.servers).sort()).toEqual(['kept', 'late']);
    expect(state.unconfirmed).toEqual([]);
  });

  it('a server that an event confirmed after the connection is kept even if the listing predates it', () => {
    let state = run(initialState, { type: 'connection', status: 'connected' }, server('a'));
    state = run(state, { type: 'connection', status: 'disconnected' }, { type: 'connection', status: 'connected' }, server('a'));
    state = run(state, { type: 'listed', names: [] });
    expect(Object.keys(state.servers)).toEqual(['a']);
  });

  it('a repeated "connected" does not unconfirm what the stream has already confirmed', () => {
    let state = run(initialState, { type: 'connection', status: 'connected' }, server('a'));
    state = run(state, { type: 'connection', status: 'connected' }, { type: 'listed', names: [] });
    expect(Object.keys(state.servers)).toEqual(['a']);
  });
});
