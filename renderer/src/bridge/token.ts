// The browser UI's credential. `hubtray serve` prints the UI address with the API token in its fragment, which
// browsers never send to a server. The page moves it to sessionStorage (this tab only, gone when it closes) and out
// of the address bar and history. No cookie: cookies on 127.0.0.1 are shared by every port, so the Jupyter servers
// hubtray tunnels there would receive it too.
const key = 'hubtray.token';

export function takeToken(location: Location, history: History, storage: Storage): string | null {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromUrl = fragment.get('token');
  if (fromUrl) {
    storage.setItem(key, fromUrl);
    history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  }
  return storage.getItem(key);
}

export function forgetToken(storage: Storage): void {
  storage.removeItem(key);
}
