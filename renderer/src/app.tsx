// The page: navigation, the current view, and what overlays every view (connection state, prompts, notices).
import { useEffect, useRef } from 'react';
import type { Bridge, ConnectionStatus } from './bridge/bridge.js';
import { href, useRoute, type Route } from './lib/route.js';
import { HubProvider, useHub } from './state/hub-context.js';
import { Notices } from './views/notices.js';
import { Prompts } from './views/prompt-dialog.js';
import { ServerDetail } from './views/server-detail.js';
import { ServersView } from './views/servers-view.js';
import { StartView } from './views/start-view.js';
import { SystemEditor } from './views/system-editor.js';
import { SystemsView } from './views/systems-view.js';

export function App({ bridge }: { bridge: Bridge | null }) {
  if (!bridge) return <NoAccess />;
  return (
    <HubProvider bridge={bridge}>
      <Shell />
    </HubProvider>
  );
}

function Shell() {
  const route = useRoute();
  const { state } = useHub();
  const main = useRef<HTMLElement>(null);
  // After a navigation, keyboard and screen-reader users continue from the new view, not from the old link.
  const first = useRef(true);
  useEffect(() => {
    // A new view starts at its top; the sticky top bar would otherwise have the focus scroll the page under it.
    if (!first.current) {
      window.scrollTo(0, 0);
      main.current?.focus({ preventScroll: true });
    }
    first.current = false;
  }, [route]);
  const section = route.view === 'server' ? 'servers' : route.view === 'add-system' || route.view === 'edit-system' ? 'systems' : route.view;
  return (
    <>
      <header className="topbar">
        <h1 className="brand">hubtray</h1>
        <nav aria-label="Main">
          {(['servers', 'start', 'systems'] as const).map((view) => (
            <a key={view} href={href({ view })} aria-current={section === view ? 'page' : undefined}>
              {view === 'servers' ? 'Servers' : view === 'start' ? 'Start' : 'Systems'}
            </a>
          ))}
        </nav>
      </header>
      <ConnectionBanner status={state.connection} />
      <Prompts />
      <main ref={main} tabIndex={-1}>
        <View route={route} />
      </main>
      <Notices />
    </>
  );
}

function View({ route }: { route: Route }) {
  switch (route.view) {
    case 'servers':
      return <ServersView />;
    case 'server':
      return <ServerDetail name={route.name} />;
    case 'start':
      return <StartView systemName={route.system} />;
    case 'systems':
      return <SystemsView />;
    case 'add-system':
      return <SystemEditor kind={route.kind} />;
    case 'edit-system':
      return <SystemEditor editing={route.name} />;
  }
}

function ConnectionBanner({ status }: { status: ConnectionStatus }) {
  if (status === 'disconnected') {
    return (
      <p className="banner banner-warning" role="alert">
        Lost contact with hubtray. Reconnecting…
      </p>
    );
  }
  if (status === 'unauthorized') {
    return (
      // The UI's token is kept per HUBTRAY_HOME across restarts, so a refused one was renewed (`hubtray serve --new-token`).
      <div className="banner banner-error" role="alert">
        <p>hubtray's access was renewed (hubtray serve --new-token): this page's old access no longer works.</p>
        <p>
          To get back in, paste the new UI address that <code>hubtray serve</code> printed (the line beginning with <code>UI:</code>, ending in{' '}
          <code>#token=…</code>) into this tab's address bar; the page carries on where it is, without a reload.
        </p>
      </div>
    );
  }
  return null;
}

function NoAccess() {
  return (
    <main className="view no-access">
      <h1>hubtray</h1>
      <p>This page needs its access link.</p>
      <p>
        Open the address that <code>hubtray serve</code> printed when it started (the line beginning with <code>UI:</code>), or run{' '}
        <code>hubtray serve --open</code>.
      </p>
    </main>
  );
}
