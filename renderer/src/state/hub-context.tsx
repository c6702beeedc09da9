// The Hub's state for React: one subscription for the whole page, shared through context. Each (re)subscription
// starts with every current server as a `server` event; systems, waiting prompts and the list of servers (to drop
// those that went while the page had lost contact) are fetched once per connection. From then on events keep
// everything current.
import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, type ReactNode } from 'react';
import type { Bridge } from '../bridge/bridge.js';
import { errorMessage } from '../bridge/errors.js';
import { initialState, reduce, type Action, type HubState } from './hub-state.js';

interface HubContextValue {
  bridge: Bridge;
  state: HubState;
  dispatch: (action: Action) => void;
  /** Reports a failed action as a notice. */
  report: (error: unknown) => void;
}

const HubContext = createContext<HubContextValue | null>(null);

export function HubProvider({ bridge, children }: { bridge: Bridge; children: ReactNode }) {
  const [state, dispatch] = useReducer(reduce, initialState);

  useEffect(() => {
    let current = true;
    const refresh = async () => {
      try {
        const [systems, prompts, servers] = await Promise.all([
          bridge.call('listSystems', {}),
          bridge.call('pendingPrompts', {}),
          bridge.call('listServers', {}),
        ]);
        if (!current) return;
        dispatch({ type: 'systems', systems });
        dispatch({ type: 'prompts', prompts });
        dispatch({ type: 'listed', names: servers.map((s) => s.name) });
      } catch (error) {
        if (current) dispatch({ type: 'notice', level: 'error', message: `Could not load hubtray's state: ${errorMessage(error)}` });
      }
    };
    const unsubscribe = bridge.subscribe(
      (event) => dispatch({ type: 'event', event, at: Date.now() }),
      (status) => {
        dispatch({ type: 'connection', status });
        if (status === 'connected') void refresh();
      },
    );
    return () => {
      current = false;
      unsubscribe();
    };
  }, [bridge]);

  // Stable, so that effects may depend on it without running again at every event.
  const report = useCallback((error: unknown) => dispatch({ type: 'notice', level: 'error', message: errorMessage(error) }), []);
  const value = useMemo<HubContextValue>(() => ({ bridge, state, dispatch, report }), [bridge, state, report]);
  return <HubContext.Provider value={value}>{children}</HubContext.Provider>;
}

export function useHub(): HubContextValue {
  const value = useContext(HubContext);
  if (!value) throw new Error('useHub outside HubProvider');
  return value;
}
