// `hubtray serve --open` hands the browser a single-use link, never the token: an opener's argv is readable by every
// local user. The opener here is a stand-in script named xdg-open that records its arguments, since no desktop
// browser runs here; the link it gets is then followed like a browser would.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, expect, it } from 'vitest';
import { makeHome, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';

const scratch = mkdtempSync(join(tmpdir(), 'hubtray-open-'));
let serve: ServeProcess | undefined;

afterAll(async () => {
  await serve?.stop();
  if (serve) rmSync(serve.home, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

it('opens the UI through a single-use link that leads to the address with the token', async () => {
  const bin = join(scratch, 'fake-opener-bin');
  const argvFile = join(scratch, 'argv');
  mkdirSync(bin);
  writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${argvFile}'\n`);
  chmodSync(join(bin, 'xdg-open'), 0o755);
  const path = process.env.PATH;
  process.env.PATH = `${bin}:${path}`;
  try {
    serve = await startServe(makeHome({}), ['--open']);
  } finally {
    process.env.PATH = path;
  }
  for (let i = 0; i < 100 && !existsSync(argvFile); i++) await new Promise((r) => setTimeout(r, 50));
  const link = readFileSync(argvFile, 'utf8').trim();
  const uiUrl = /^UI: (\S+)$/m.exec(serve.output().stdout)?.[1];
  const token = new URL(uiUrl!).hash.replace('#token=', '');
  expect(link).toMatch(new RegExp(`^${serve.url}/launch/[A-Za-z0-9_-]{32}$`));
  expect(link).not.toContain(token);

  const first = await request(link);
  expect(first.statusCode).toBe(302);
  expect(first.headers.location).toBe(uiUrl);
  await first.body.dump();
  const again = await request(link);
  expect(again.statusCode).toBe(404);
  await again.body.dump();
});
