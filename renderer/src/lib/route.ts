// Hash routes, so that the back button works and a reload stays on the same view, in a browser and in Electron.
import { useEffect, useState } from 'react';

export type Route =
  | { view: 'servers' }
  /** `confirmStop`: opened by the tray's Stop, whose question (busy kernels) the page asks. */
  | { view: 'server'; name: string; confirmStop?: boolean }
  | { view: 'start'; system?: string }
  | { view: 'systems' }
  | { view: 'add-system'; kind: string }
  | { view: 'edit-system'; name: string };

export function parseRoute(hash: string): Route {
  const [view, ...rest] = hash.replace(/^#\/?/, '').split('/');
  const arg = rest.length > 0 ? decodeURIComponent(rest.join('/')) : undefined;
  switch (view) {
    case 'servers':
      // A server name holds no "/" (ServerName), so `NAME/stop` is the tray's Stop question.
      if (rest.length === 2 && rest[1] === 'stop') return { view: 'server', name: decodeURIComponent(rest[0] ?? ''), confirmStop: true };
      return arg ? { view: 'server', name: arg } : { view: 'servers' };
    case 'start':
      return arg ? { view: 'start', system: arg } : { view: 'start' };
    case 'systems':
      return { view: 'systems' };
    case 'add-system':
      return { view: 'add-system', kind: arg ?? 'ssh' };
    case 'edit-system':
      return arg ? { view: 'edit-system', name: arg } : { view: 'systems' };
    default:
      return { view: 'servers' };
  }
}

export function href(route: Route): string {
  switch (route.view) {
    case 'servers':
      return '#/servers';
    case 'server':
      return `#/servers/${encodeURIComponent(route.name)}${route.confirmStop ? '/stop' : ''}`;
    case 'start':
      return route.system ? `#/start/${encodeURIComponent(route.system)}` : '#/start';
    case 'systems':
      return '#/systems';
    case 'add-system':
      return `#/add-system/${encodeURIComponent(route.kind)}`;
    case 'edit-system':
      return `#/edit-system/${encodeURIComponent(route.name)}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = href(route);
}

/**
 * Leaves a server's own page for the list once that server is gone (forgotten): only if the person is still on it,
 * since the answer may come after they went elsewhere.
 */
export function leaveServerPage(name: string): void {
  const route = parseRoute(window.location.hash);
  if (route.view === 'server' && route.name === name) navigate({ view: 'servers' });
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
