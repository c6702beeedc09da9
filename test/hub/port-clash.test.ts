// The port hubtray chose is taken by another program between its choice and the server's bind (seen in CI: another
// tunnel took it). The user's world: a busy machine where ports come and go. Real parts: the clash is made for real
// (a listener bound to that very port just before Jupyter starts) and Debian's real Jupyter fails on it.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeHome, openHub, pidAlive, removeHome, type HubHarness } from '../fixtures/hub-harness.js';

const scratch = mkdtempSync(join(tmpdir(), 'hubtray-clash-'));
const squatterPid = join(scratch, 'squatter.pid');
let h: HubHarness;

beforeAll(async () => {
  // The first launch finds its port taken by a squatter bound to it a moment before Jupyter starts; later ones do not.
  const wrapper = join(scratch, 'jupyter-after-a-squatter');
  writeFileSync(
    wrapper,
    `#!/bin/sh
for a in "$@"; do case "$a" in --port=*) port=\${a#--port=} ;; esac; done
if [ ! -e ${squatterPid} ]; then
  python3 -c 'import os, socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
open(sys.argv[2] + ".tmp", "w").write(str(os.getpid())); os.rename(sys.argv[2] + ".tmp", sys.argv[2]); time.sleep(300)' "$port" ${squatterPid} &
  while [ ! -e ${squatterPid} ]; do sleep 0.05; done
fi
exec /usr/bin/jupyter server "$@"
`,
    { mode: 0o755 },
  );
  h = await openHub(makeHome({ systems: { busy: { kind: 'local', cmd: [wrapper], args: ['--allow-root'] } } }));
});

afterAll(async () => {
  if (existsSync(squatterPid)) {
    const pid = Number(readFileSync(squatterPid, 'utf8'));
    if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  await h?.close();
  if (h) removeHome(h.home);
  rmSync(scratch, { recursive: true, force: true });
});

it('a port taken between hubtray\'s choice and Jupyter\'s bind: the start goes on with another port, and says so', async () => {
  await h.hub.start({ system: 'busy', name: 'clash' });
  const server = await h.waitFor('clash', ['running', 'failed']);
  expect(server.reason).toBeNull();
  expect(server.status).toBe('running');
  expect(existsSync(squatterPid)).toBe(true);
  const messages = server.events.map((e) => e.message);
  expect(messages.some((m) => /^Port \d+ was taken meanwhile by another program; starting again on another port$/.test(m))).toBe(true);
  expect(messages.filter((m) => m.startsWith('Server process ')).length).toBe(2);
});
