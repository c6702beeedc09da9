// Electron's security checklist, applied to every web contents the app ever makes: no navigation away from the
// page it was given, no new windows, no <webview>, and no permission (camera, notifications, ...) granted to a page.
import { app, session } from 'electron';

export function lockDown(): void {
  app.on('web-contents-created', (_event, contents) => {
    // The UI moves between views by its URL's fragment, which is not a navigation; anything else is refused.
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
  }, () => undefined);
}
