// Secrets stay in the keychain: after start, prompt, stop and failure paths, no file hubtray wrote, no hub.log
// line, no event and no server argv holds any secret it handled. Real gnome-keyring, sshd and Jupyter.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keychain } from '../../electron/core/secrets/keychain.js';
import { secretKeys } from '../../electron/core/secrets/secret-store.js';
import { startSshd, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { localJupyter, makeHome, openHub, pidAlive, removeHome, type HubHarness } from '../fixtures/hub-harness.js';

const run = promisify(execFile);
const passphrase = `secret-passphrase 'q' "qq" $(id) ;`;
const userSecret = 'user-secret-7f3c9a2e51';
const scratch = mkdtempSync(join(tmpdir(), 'hubtray-secrets-'));
const keyPath = join(scratch, 'id_encrypted');
let sshd: Sshd;
let client: ClientConfig;
let h: HubHarness;
const tokens: string[] = [];

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((rel) => join(dir, rel))
    .filter((file) => statSync(file).isFile());
}

beforeAll(async () => {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'encrypted', '-f', keyPath]);
  sshd = await startSshd({ users: [{ name: 'root', authorizedKeys: [readFileSync(`${keyPath}.pub`, 'utf8').trim()] }] });
  client = await writeClientConfig([{ alias: 'enc', sshd, identityFile: keyPath }]);
  process.env.HUBTRAY_SSH_CONFIG = client.configPath;
  h = await openHub(
    makeHome({
      systems: {
        enc: { kind: 'ssh', host: 'enc', cmd: ['/usr/bin/jupyter', 'server'], args: ['--allow-root'] },
        here: localJupyter,
        broken: { kind: 'local', cmd: ['/bin/sh', '-c', 'echo "$JUPYTER_TOKEN is not printed"; exit 4'] },
      },
    }),
  );
});

afterAll(async () => {
  await h?.close();
  await sshd?.stop();
  await client?.cleanup();
  await new Keychain().delete(secretKeys.sshPassphrase(keyPath));
  if (h) removeHome(h.home);
  rmSync(scratch, { recursive: true, force: true });
  delete process.env.HUBTRAY_SSH_CONFIG;
});

describe('secrets', () => {
  it('asks for a key passphrase through a prompt event and remembers it in the keychain only', async () => {
    const answered = new Promise<void>((resolve) => {
      const off = h.hub.subscribe((event) => {
        if (event.event !== 'prompt') return;
        expect(event.data.kind).toBe('passphrase');
        expect(event.data.canRemember).toBe(true);
        off();
        void h.hub.answerPrompt({ id: event.data.id, answers: [passphrase], remember: true }).then(() => resolve());
      });
    });
    await h.hub.start({ system: 'enc', name: 'enc' });
    await answered;
    const server = await h.waitFor('enc', ['running', 'failed']);
    expect(server.reason).toBeNull();
    expect(await new Keychain().get(secretKeys.sshPassphrase(keyPath))).toBe(passphrase);

    const { url } = await h.hub.open({ name: 'enc' });
    const token = new URL(url).searchParams.get('token')!;
    tokens.push(token);
    const pid = h.savedState('enc').pid as number;
    // The server gets its token through the environment, never argv.
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain(token);
    expect(readFileSync(`/proc/${pid}/environ`, 'utf8')).toContain(`JUPYTER_TOKEN=${token}`);
    expect(await new Keychain().get(secretKeys.serverToken('enc'))).toBe(token);
    await h.hub.stop({ name: 'enc' });
    expect(pidAlive(pid)).toBe(false);
    // A stopped server's token is forgotten.
    expect(await new Keychain().get(secretKeys.serverToken('enc'))).toBeNull();
  });

  it('keeps user secrets and local server tokens out of every file, log line and event', async () => {
    await h.hub.setSecret({ key: 'user/probe', value: userSecret });
    await h.hub.start({ system: 'here', name: 'here' });
    await h.waitFor('here', ['running']);
    tokens.push(new URL((await h.hub.open({ name: 'here' })).url).searchParams.get('token')!);
    expect((await h.hub.logs({ name: 'here' })).text).not.toContain(tokens.at(-1));
    await h.hub.stop({ name: 'here' });

    await h.hub.start({ system: 'broken', name: 'broken' });
    const broken = await h.waitFor('broken', ['failed', 'running']);
    expect(broken.status).toBe('failed');
    // The server printed its own token into its log; the reason quotes the log with the token redacted.
    expect(broken.reason).toContain('[secret] is not printed');

    const secrets = [passphrase, userSecret, ...tokens];
    expect(tokens).toHaveLength(2);
    const files = [...filesUnder(h.home), ...filesUnder(join(homedir(), '.hubtray')), ...filesUnder(client.dir)];
    expect(files.some((f) => f.endsWith('hub.log'))).toBe(true);
    expect(files.some((f) => f.endsWith('state.json'))).toBe(true);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const secret of secrets) expect(text.includes(secret), `${secret.slice(0, 6)}… found in ${file}`).toBe(false);
    }
    const events = JSON.stringify(h.events);
    for (const secret of secrets) expect(events).not.toContain(secret);
    expect(await new Keychain().get('user/probe')).toBe(userSecret);
    await h.hub.deleteSecret({ key: 'user/probe' });
  });

  it('refuses to let a user overwrite or delete the entries hubtray manages itself', async () => {
    const internal = /one of hubtray's own entries \((server-token|api-token|outpost-flavors-token)\/…\), which it creates and deletes by itself/;
    await expect(h.hub.setSecret({ key: 'server-token/here', value: 'x' })).rejects.toThrow(internal);
    await expect(h.hub.deleteSecret({ key: 'api-token/anything' })).rejects.toThrow(internal);
    const flavors = 'outpost-flavors-token/https://outpost.example/api';
    await new Keychain().set(flavors, 'the-outposts-own');
    try {
      await expect(h.hub.setSecret({ key: flavors, value: 'x' })).rejects.toThrow(internal);
      await expect(h.hub.deleteSecret({ key: flavors })).rejects.toThrow(internal);
      expect(await new Keychain().get(flavors)).toBe('the-outposts-own');
    } finally {
      await new Keychain().delete(flavors);
    }
    // What hubtray only reads or remembers for the user may be set ahead of use.
    await h.hub.setSecret({ key: 'ssh-password/me@host:22', value: 'pw' });
    expect(await h.hub.deleteSecret({ key: 'ssh-password/me@host:22' })).toEqual({ deleted: true });
  });
});
