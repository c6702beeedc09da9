// Opens a URL in the system browser. The URL goes to the opener as one argv element, never through a shell, so
// nothing in it (`&`, `;`, quotes) can be interpreted. On Windows that rules out `start`, a cmd.exe built-in.
import { spawn } from 'node:child_process';

export function openInBrowser(url: string): Promise<void> {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', reject);
    // Some openers stay until the browser exits; hubtray does not wait for them.
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
