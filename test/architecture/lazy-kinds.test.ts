// A resident hub loads the code of the kinds it has systems of, and no other (issue 16, item 2): `hubtray serve`
// with one local system, its every module resolution recorded by a Node module hook (module.register), holds the
// local kind's module and none of jupyterhub's or outpost's (nor undici, which only they use); adding a JupyterHub system to the running hub loads it.
// It runs the hub from tsc's tree, as the tray app does, where each module is a file the hook can name.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHubClient, type HubClient } from '../../electron/core/api-client/client.js';
import { localJupyter, makeHome, startServe, treeCliPath, type ServeProcess } from '../fixtures/hubtray-process.js';
import { printedUiUrl, tokenOf } from '../renderer/serve-ui.js';

let dir: string;
let serve: ServeProcess;
let api: HubClient;
const log = () => readFileSync(join(dir, 'resolved.log'), 'utf8').split('\n').filter(Boolean);
const packagesLoaded = () => [...new Set(log().flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []))];
const kindsLoaded = () => [...new Set(log().flatMap((url) => /\/electron\/core\/kinds\/([a-z]+)\//.exec(url)?.[1] ?? []))].sort();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hubtray-imports-'));
  // The hooks run on Node's loader thread; each resolved URL is appended to the log as it is resolved.
  writeFileSync(
    join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';\n` +
      `export async function resolve(specifier, context, next) {\n` +
      `  const result = await next(specifier, context);\n` +
      `  appendFileSync(${JSON.stringify(join(dir, 'resolved.log'))}, result.url + '\\n');\n` +
      `  return result;\n}\n`,
  );
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
  writeFileSync(join(dir, 'resolved.log'), '');
  serve = await startServe(makeHome({ systems: { here: localJupyter } }), [], { NODE_OPTIONS: `--import ${pathToFileURL(join(dir, 'register.mjs')).href}` }, treeCliPath);
  api = createHubClient(serve.url, tokenOf(await printedUiUrl(serve)));
});

afterAll(async () => {
  await api?.close();
  await serve?.stop();
  if (serve) rmSync(serve.home, { recursive: true, force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('loads only the kinds its systems are of, and a kind when a system of it is added', async () => {
  expect(log().some((url) => url.endsWith('/electron/core/hub/hub.js'))).toBe(true);
  expect(kindsLoaded()).toEqual(['local']);
  // A local server is asked over node:http; undici (~20 MiB resident) comes with the kinds that talk to remote hubs.
  expect(packagesLoaded()).not.toContain('undici');
  await api.saveSystem({ name: 'uni', settings: { kind: 'jupyterhub', hub_url: 'http://127.0.0.1:9/' } });
  expect(kindsLoaded()).toEqual(['jupyterhub', 'local']);
  expect(packagesLoaded()).toContain('undici');
});
