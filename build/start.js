// `npm start`: the tray app. Electron's binary is fetched by its own postinstall, which some machines cannot run
// (no web access, or npm's install-script policy); there the Hub still runs headless, and this says why.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-binary.js';

const root = fileURLToPath(new URL('..', import.meta.url));

const binary = electronBinary();
const [command, args] = binary
  ? [binary, [root]]
  : [process.execPath, [fileURLToPath(new URL('../dist/cli/hubtray.js', import.meta.url)), 'serve']];
if (!binary) {
  console.error('hubtray: the Electron binary is not installed (run `node node_modules/electron/install.js` where the web is reachable); running the hub headless instead.');
}
const child = spawn(command, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
