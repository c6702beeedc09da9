// The browser UI's credential. `hubtray serve` prints the UI address with the UI's token in its fragment, which
// browsers never send to a server. The page moves it to sessionStorage (this tab only, gone when it closes) and out
// of the address bar and history. No cookie: cookies on 127.0.0.1 are shared by every port, so the Jupyter servers
// hubtray tunnels there would receive it too. The token outlives a restart of hubtray; `hubtray serve --new-token`
// replaces it, and the new address pasted into an open tab lets it back in without a reload (watchToken).
const key = 'hubtray.token';

function tokenInHash(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') || null;
}

export function takeToken(location: Location, history: History, storage: Storage): string | null {
  const fromUrl = tokenInHash(location.hash);
  if (fromUrl) {
    storage.setItem(key, fromUrl);
    history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  }
  return storage.getItem(key);
}

/**
 * Calls `onToken` with each token that arrives in the address's fragment later (a person pasting the address that a
 * restarted hubtray printed), after storing it as takeToken does and putting the view the page was on back in the
 * address bar, in place of the token. Returns the function that stops watching.
 */
export function watchToken(window: Window, onToken: (token: string) => void): () => void {
  const listener = (event: HashChangeEvent) => {
    const token = tokenInHash(window.location.hash);
    if (!token) return;
    window.sessionStorage.setItem(key, token);
    const before = new URL(event.oldURL).hash;
    // Replaced, not pushed: the token must not stay in the history. Listeners that run after this one (the router)
    // read the restored view.
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${tokenInHash(before) ? '#/' : before || '#/'}`);
    onToken(token);
  };
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

export function forgetToken(storage: Storage): void {
  storage.removeItem(key);
}
