// What a command loads before it answers (issue 16, item 1): `hubtray --version`, `--help` and a mistyped command
// load none of the hub, ssh2, zod, undici or ws; `hubtray list` loads the API client but not the hub, ssh2, undici
// or ws. Each run records every module it loads through Node's module hooks (testkit/module-trace.ts). tsc's tree
// names each module; the shipped bundle (dist/cli/) is checked for the same: the chunks it loads hold no zod.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { requireFreshBuild } from '../../testkit/build-freshness.js';
import { cliPath, treeCliPath } from '../fixtures/hubtray-process.js';

const tracer = fileURLToPath(new URL('../../dist/testkit/module-trace.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hubtray-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let runs = 0;
/** The URLs of the modules `node PROGRAM ARGS` loaded, with a HUBTRAY_HOME where no hub runs. */
async function modulesLoaded(program: string, args: string[]): Promise<string[]> {
  requireFreshBuild();
  const file = join(dir, `trace-${runs++}.txt`);
  const env = { ...process.env, MODULE_TRACE_FILE: file, HUBTRAY_HOME: join(dir, 'home') };
  await new Promise<void>((resolve) => execFile(process.execPath, ['--import', pathToFileURL(tracer).href, program, ...args], { env, timeout: 30_000 }, () => resolve()));
  return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

const packages = (urls: string[]) => [...new Set(urls.flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []))];
const ours = (urls: string[]) => urls.flatMap((url) => /\/dist\/(electron\/core\/[^/]+|shared)\//.exec(url)?.[1] ?? []);

describe('from tsc\u2019s tree', () => {
  it.each([['--version'], ['--help'], ['no-such-command']])('`hubtray %s` loads no package and nothing of the hub', async (arg) => {
    const urls = await modulesLoaded(treeCliPath, [arg]);
    expect(urls.some((url) => url.endsWith('/dist/electron/core/cli/run.js'))).toBe(true);
    expect(packages(urls)).toEqual([]);
    // Beside the CLI's own modules: the error message (shared/) and where package.json is (for --version).
    const others = urls.filter((url) => url.includes('/dist/') && !url.includes('/dist/electron/core/cli/') && !url.includes('/dist/shared/'));
    expect(others.map((url) => url.replace(/.*\/dist\//, ''))).toEqual(['electron/core/boundary/package-root.js']);
    expect(urls.filter((url) => url.includes('/dist/shared/')).map((url) => url.replace(/.*\/dist\//, ''))).toEqual(['shared/error-message.js']);
  });

  it('`hubtray list` loads the API client and zod, and no ssh2, undici, ws or hub', async () => {
    const urls = await modulesLoaded(treeCliPath, ['list']);
    expect(urls.some((url) => url.endsWith('/dist/electron/core/api-client/client.js'))).toBe(true);
    expect(packages(urls).sort()).toEqual(['@napi-rs/keyring', 'zod']);
    for (const part of ['electron/core/hub', 'electron/core/ssh', 'electron/core/kinds', 'electron/core/serving']) expect(ours(urls)).not.toContain(part);
  });
});

describe('from the bundle that ships', () => {
  it('`hubtray --version` loads its own chunks only, none of them holding zod', async () => {
    const urls = await modulesLoaded(cliPath, ['--version']);
    expect(urls[0]).toBe(pathToFileURL(cliPath).href);
    expect(packages(urls)).toEqual([]);
    const chunks = urls.filter((url) => url.startsWith('file:'));
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(readFileSync(fileURLToPath(chunk), 'utf8')).not.toMatch(/\$ZodType\b/);
  });

  it('`hubtray list` loads zod from a chunk of the bundle, not from node_modules', async () => {
    const urls = await modulesLoaded(cliPath, ['list']);
    expect(packages(urls).sort()).toEqual(['@napi-rs/keyring']);
    const chunks = urls.filter((url) => url.startsWith('file:'));
    expect(chunks.some((chunk) => /\$ZodType\b/.test(readFileSync(fileURLToPath(chunk), 'utf8')))).toBe(true);
  });
});
