// A key on a PKCS#11 token (a smart card, a site's HSM), for real: SoftHSM's token of the test's own, an EC key made
// inside it, its public half the only authorized key of a real sshd. The user's config says PKCS11Provider, so
// ssh_transport "auto" takes the system's OpenSSH, which opens the token; the token's PIN is asked through hubtray's
// prompts (SSH_ASKPASS), and never lands in a process's argv or hubtray's log.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { descendantProcesses } from '../../testkit/process-tree.js';
import { createToken, softhsmMissing, softhsmModule, type Token } from '../../testkit/softhsm.js';
import { startSshd, sshTarget, writeClientConfig, type ClientConfig, type Sshd } from '../../testkit/sshd.js';
import { answer } from './doubles.js';
import { closeTestPools, testPool } from './test-pool.js';

const missing = softhsmMissing();
const pin = 'pin-4821-never-in-argv';

let token: Token;
let sshd: Sshd;
let config: ClientConfig;
const savedConf = process.env.SOFTHSM2_CONF;

describe.skipIf(missing !== undefined)(`a PKCS#11 token${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(async () => {
    token = await createToken(pin);
    // The ssh processes the pool starts find the test's token, as a user's find their library's own configuration.
    process.env.SOFTHSM2_CONF = token.env.SOFTHSM2_CONF;
    sshd = await startSshd({ users: [{ name: 'root', authorizedKeys: [token.publicKey] }] });
    config = await writeClientConfig([{ alias: 'token-box', sshd, identityFile: path.join(sshd.dir, 'token_key'), extra: [`PKCS11Provider ${softhsmModule}`] }], {
      trust: true,
    });
    // IdentitiesOnly (the fixture's default): OpenSSH offers the token's key when an IdentityFile is its public half.
    await writeFile(path.join(sshd.dir, 'token_key.pub'), `${token.publicKey}\n`);
  });
  afterEach(closeTestPools);
  afterAll(async () => {
    if (savedConf === undefined) delete process.env.SOFTHSM2_CONF;
    else process.env.SOFTHSM2_CONF = savedConf;
    await sshd?.stop();
    await config?.cleanup();
    await token?.stop();
  });

  test('logs in with the token\'s key through the system\'s OpenSSH; the PIN is asked through hubtray\'s prompt, not put in argv or the log', async () => {
    const argvSeen: string[] = [];
    const logLines: string[] = [];
    const typePin = async () => {
      // While the question is open, ssh and the askpass helper are running; after the answer, ssh goes on to log in.
      argvSeen.push(...(await descendantProcesses()).map(({ argv }) => argv.join(' ')));
      return answer(pin);
    };
    const { pool, prompter } = testPool(config, { script: [typePin], log: (line) => logLines.push(line) });
    const target = sshTarget('token-box', { transport: 'auto' });
    await expect(pool.exec(target, 'id -un')).resolves.toMatchObject({ code: 0, stdout: 'root\n' });
    expect(pool.transportNote(target)).toMatch(/^through the system's OpenSSH, for PKCS11Provider/);
    expect(prompter.asked).toEqual([expect.objectContaining({ kind: 'passphrase', title: expect.stringMatching(/^PIN /) })]);
    expect(prompter.asked[0]?.questions[0]?.text).toMatch(/PIN for 'hubtray-test'/);
    expect(await sshd.log()).toMatch(/Accepted publickey for root .*ECDSA/);
    // During the question and after the login: no process hubtray started and no log line holds the PIN.
    argvSeen.push(...(await descendantProcesses()).map(({ argv }) => argv.join(' ')));
    expect(argvSeen.some((line) => line.includes('ssh'))).toBe(true);
    expect(argvSeen.filter((line) => line.includes(pin))).toEqual([]);
    expect(logLines.filter((line) => line.includes(pin))).toEqual([]);
  });
});
