// A Kerberos login through the system's OpenSSH, for real: a KDC of the test's own realm on 127.0.0.1, an sshd that
// accepts only gssapi-with-mic for a user who has no key and no password, and a ticket from kinit in a credential
// cache of the test's own. ssh_transport "auto" takes OpenSSH for the host because its config says
// GSSAPIAuthentication yes; nobody is asked anything.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { kdcMissing, startKdc, type Kdc } from '../../testkit/kdc.js';
import { startSshd, sshTarget, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { closeTestPools, testPool } from './test-pool.js';

const missing = kdcMissing();
const user = 'hubtraykrb';

let kdc: Kdc;
let sshd: Sshd;
let config: ClientConfig;
let ccache: string;
const saved = { KRB5_CONFIG: process.env.KRB5_CONFIG, KRB5CCNAME: process.env.KRB5CCNAME };

describe.skipIf(missing !== undefined)(`a Kerberos login${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(async () => {
    kdc = await startKdc();
    const hostKeytab = await kdc.keytab('host/localhost');
    sshd = await startSshd({
      users: [{ name: user, authorizedKeys: [] }],
      gssapi: true,
      authenticationMethods: 'gssapi-with-mic',
      env: { ...kdc.env, KRB5_KTNAME: `FILE:${hostKeytab}` },
    });
    const userKeytab = await kdc.keytab(user);
    ccache = `FILE:${path.join(kdc.dir, 'ccache')}`;
    await kdc.kinit(user, userKeytab, ccache);
    // The ssh processes the pool starts get the test's realm and ticket from the environment, as a user's would.
    process.env.KRB5_CONFIG = kdc.env.KRB5_CONFIG;
    process.env.KRB5CCNAME = ccache;
    const dir = kdc.dir;
    const knownHosts = path.join(dir, 'known_hosts');
    await writeFile(knownHosts, `[localhost]:${sshd.port} ${sshd.hostKeyPub}\n`);
    const configPath = path.join(dir, 'ssh_config');
    await writeFile(
      configPath,
      [
        'Host kdc-box',
        // The service ticket is for host/localhost, the name the client was given.
        '  HostName localhost',
        `  Port ${sshd.port}`,
        `  User ${user}`,
        '  GSSAPIAuthentication yes',
        '  IdentityFile none',
        '  PasswordAuthentication no',
        `  UserKnownHostsFile ${knownHosts}`,
        '  GlobalKnownHostsFile none',
        '',
      ].join('\n'),
    );
    config = { dir, configPath, knownHostsPath: knownHosts, cleanup: async () => {} };
  });

  afterAll(async () => {
    await closeTestPools();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await sshd?.stop();
    await kdc?.stop();
  });

  test('logs in with the ticket alone, through the system\'s OpenSSH, and says why', async () => {
    const { pool, prompter } = testPool(config);
    const target = sshTarget('kdc-box', { transport: 'auto' });
    await expect(pool.exec(target, 'id -un')).resolves.toMatchObject({ code: 0, stdout: `${user}\n` });
    expect(prompter.asked).toEqual([]);
    expect(pool.transportNote(target)).toBe("through the system's OpenSSH, for GSSAPIAuthentication yes");
    expect(await sshd.log()).toMatch(new RegExp(`Accepted gssapi-with-mic for ${user} from 127\\.0\\.0\\.1`));
  });

  test('without a ticket the login is refused, and the message says so first', async () => {
    process.env.KRB5CCNAME = `FILE:${path.join(kdc.dir, 'no-such-ccache')}`;
    try {
      const { pool } = testPool(config);
      await expect(pool.exec(sshTarget('kdc-box', { transport: 'auto' }), 'true')).rejects.toMatchObject({
        code: 'auth',
        message: expect.stringMatching(new RegExp(`^${user}@localhost:${sshd.port}: the login was refused: .*Permission denied \\(gssapi-with-mic\\)`)),
      });
    } finally {
      process.env.KRB5CCNAME = ccache;
    }
  });
});
