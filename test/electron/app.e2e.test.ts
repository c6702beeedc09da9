// The tray app for real, where Electron's binary is installed: it publishes the Hub on the local API, so the CLI
// reaches it. Machines without the binary (it is fetched from the web by a postinstall) skip, saying why.
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { electronBinary } from '../../build/electron-binary.js';
import { localJupyter, makeHome, runCli } from '../fixtures/hubtray-process.js';


it('starts the tray app, which serves the Hub to the CLI', async (ctx) => {
  const binary = electronBinary();
  if (!binary) return ctx.skip('Electron binary not installed (its postinstall download is unavailable here)');
  const home = makeHome({ systems: { here: localJupyter } });
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const app = spawn(binary, ['--no-sandbox', root], { env: { ...process.env, HUBTRAY_HOME: home }, stdio: 'ignore' });
  try {
    for (let i = 0; i < 100 && !existsSync(join(home, 'hub.json')); i++) await new Promise((r) => setTimeout(r, 200));
    const systems = await runCli(home, ['systems', '--json']);
    expect(systems.code).toBe(0);
    expect(JSON.parse(systems.stdout).map((s: { name: string }) => s.name)).toEqual(['here']);
  } finally {
    app.kill('SIGTERM');
    rmSync(home, { recursive: true, force: true });
  }
});
