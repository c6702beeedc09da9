// A hub process (`serve`, the tray) must not die of a promise rejection that nothing owns: Node's default is to exit,
// taking every tunnel with it. Shown on a real Node process with and without the handler.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { requireFreshBuild } from '../../testkit/build-freshness.js';

const run = promisify(execFile);
const module = join(process.cwd(), 'dist/electron/core/serving/last-resort.js');

const script = (guarded: boolean) => `
  const { keepRunningOnUnhandledRejections } = await import(${JSON.stringify(module)});
  ${guarded ? 'keepRunningOnUnhandledRejections((message) => console.log("reported:", message));' : ''}
  Promise.reject(new Error('ENOSPC: no space left on device, write'));
  await new Promise((resolve) => setTimeout(resolve, 200));
  console.log('still serving');
`;

it('an unhandled rejection is reported and the process keeps running; without the handler Node exits', async () => {
  requireFreshBuild();
  const guarded = await run(process.execPath, ['--input-type=module', '-e', script(true)]);
  expect(guarded.stdout).toContain('reported: hubtray: a background task failed and nothing handled it (please report this): ENOSPC: no space left on device, write');
  expect(guarded.stdout).toContain('still serving');
  expect(guarded.stderr).toContain('ENOSPC: no space left on device');

  const unguarded = await run(process.execPath, ['--input-type=module', '-e', script(false)]).catch((error: { code: number; stdout: string }) => error);
  expect('code' in unguarded && unguarded.code).toBe(1);
  expect(unguarded.stdout).not.toContain('still serving');
});
