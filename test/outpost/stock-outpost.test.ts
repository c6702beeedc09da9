// A stock Outpost, as its defaults have it: allow_override applies the misc hubtray sends (so misc.ip = "0.0.0.0"
// puts the lab on every interface and the answer reads "0.0.0.0:PORT"), a start without a flavor is refused once it
// has flavors, and after an asynchronous start nothing tells the lab's address unless the lab's own start script
// posts it (the wrapper docs/outpost.md gives, run here as the Outpost's spawner command).
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { outpostRig, type OutpostRig } from './helpers.js';

let rig: OutpostRig;
let wrapped: OutpostRig;
const scratch = mkdtempSync(join(tmpdir(), 'hubtray-wrapper-'));

/** The lab wrapper exactly as docs/outpost.md shows it. */
function documentedWrapper(): string {
  const docs = readFileSync(join(import.meta.dirname, '../../docs/outpost.md'), 'utf8');
  const script = /```sh\n(#!\/bin\/sh\n# hubtray-lab:[\s\S]*?)```/.exec(docs)?.[1];
  if (!script) throw new Error('docs/outpost.md shows no hubtray-lab wrapper');
  const file = join(scratch, 'hubtray-lab');
  writeFileSync(file, script);
  chmodSync(file, 0o755);
  return file;
}

beforeAll(async () => {
  const flavors = { small: { max: 5, weight: 1, display_name: 'Small' }, big: { max: 5, weight: 2, display_name: 'Big' } };
  [rig, wrapped] = await Promise.all([
    outpostRig({ everywhere: { custom_misc: { ip: '0.0.0.0' } }, plain: {}, async: { start_async: true, http_timeout: 2 } }, { flavors }),
    outpostRig({ async: { start_async: true } }, { command: [documentedWrapper(), ...(process.getuid?.() === 0 ? ['--allow-root'] : [])] }),
  ]);
});

afterAll(async () => {
  await Promise.all([rig?.close(), wrapped?.close()]);
  rmSync(scratch, { recursive: true, force: true });
});

it('a stock Outpost: sends no ip of its own, and reaches a lab answered as 0.0.0.0 on the Outpost’s host, never showing 0.0.0.0', async () => {
  await rig.h.hub.start({ system: 'plain', name: 'plain1' });
  expect((await rig.h.waitFor('plain1', ['running', 'failed'])).reason).toBeNull();
  expect(rig.starts().find((b) => b.name === 'plain1')?.misc).not.toHaveProperty('ip');
  expect(rig.outpost.rows().find((r) => r.name === 'plain1')?.service).toMatch(/^127\.0\.0\.1:/);

  await rig.h.hub.start({ system: 'everywhere', name: 'all1' });
  const running = await rig.h.waitFor('all1', ['running', 'failed']);
  expect(running.reason).toBeNull();
  const service = rig.outpost.rows().find((r) => r.name === 'all1')?.service as string;
  expect(service).toMatch(/^0\.0\.0\.0:\d+$/);
  expect(new URL(running.url as string).host).toBe(service.replace('0.0.0.0', '127.0.0.1'));
  expect(JSON.stringify(running.events)).not.toContain('0.0.0.0');
  expect(running.events.map((e) => e.message)).toContain(`The lab listens at ${service.replace('0.0.0.0', '127.0.0.1')}`);
  await Promise.all([rig.h.hub.stop({ name: 'plain1' }), rig.h.hub.stop({ name: 'all1' })]);
});

it('a stock Outpost: a start without options sends the flavor the form shows as its default', async () => {
  const form = (await rig.h.hub.listSystems()).find((s) => s.name === 'plain')?.form;
  expect(form?.fields.find((f) => f.name === 'flavor')).toMatchObject({ type: 'select', default: 'big' });
  await rig.h.hub.start({ system: 'plain', name: 'dflt1' });
  expect((await rig.h.waitFor('dflt1', ['running', 'failed'])).reason).toBeNull();
  const body = rig.starts().find((b) => b.name === 'dflt1');
  expect(body).toMatchObject({ flavor: 'big', user_options: { flavor: 'big' } });
  await rig.h.hub.stop({ name: 'dflt1' });
});

it('a stock Outpost: an asynchronous start whose lab never posts its address fails within http_timeout, saying why', async () => {
  const began = Date.now();
  await rig.h.hub.start({ system: 'async', name: 'bg1' });
  const failed = await rig.h.waitFor('bg1', ['failed', 'running']);
  expect(Date.now() - began).toBeLessThan(15_000);
  const callback = (rig.starts().find((b) => b.name === 'bg1')?.env as Record<string, string>).JUPYTERHUB_SETUPTUNNEL_URL as string;
  expect(failed.reason).toContain(`no address came to the setup-tunnel callback (${callback}) within http_timeout (2 s)`);
  expect(failed.reason).toContain('docs/outpost.md, "An asynchronous start"');
  expect(failed.events.some((e) => e.message.includes('its address must come to the setup-tunnel callback'))).toBe(true);
  expect(rig.outpost.rows().some((r) => r.name === 'bg1')).toBe(false);
});

it('a stock Outpost: an asynchronous start through the documented lab wrapper gets its address and runs', async () => {
  await wrapped.h.hub.start({ system: 'async', name: 'bg2' });
  const running = await wrapped.h.waitFor('bg2', ['running', 'failed']);
  expect(running.reason).toBeNull();
  expect(new URL(running.url as string).port).toBe(wrapped.outpost.rows()[0]?.service.split(':')[1]);
  await wrapped.h.hub.stop({ name: 'bg2' });
  expect(wrapped.outpost.rows()).toEqual([]);
});
