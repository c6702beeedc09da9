// `npm start`: the tray app. Electron's binary is fetched by its own postinstall, which some machines cannot run
// (no web access, or npm's install-script policy); there the Hub still runs headless, and this says why.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));

function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const [command, args] = binary
  ? [binary, [root]]
  : [process.execPath, [fileURLToPath(new URL('../dist/electron/node/cli/main.js', import.meta.url)), 'serve']];
if (!binary) {
  console.error('hubtray: the Electron binary is not installed (run `node node_modules/electron/install.js` where the web is reachable); running the hub headless instead.');
}
const child = spawn(command, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
