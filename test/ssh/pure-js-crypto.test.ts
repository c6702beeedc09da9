// ssh2's pure-JS crypto path is what the tray app gets (ssh2's native binding does not load in Electron), and hubtray
// carries a patch to it (patches/ssh2+*.patch: pooled padding bytes, one write per AES-GCM packet). Every cipher
// hubtray may negotiate carries data both ways intact through it, against a real sshd, at sizes around ssh2's packet
// and window boundaries.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startSshd, type Sshd } from '../../testkit/sshd.js';

const child = fileURLToPath(new URL('../fixtures/ssh2-pure-js-echo.cjs', import.meta.url));
const sizes = [0, 1, 15, 16, 1024, 32_000, 32_768, 35_000, 100_000, 2_500_000];
const ciphers = ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'chacha20-poly1305@openssh.com', 'aes128-ctr'];
let sshd: Sshd;

beforeAll(async () => {
  sshd = await startSshd({ ciphers: ciphers.join(','), logLevel: 'DEBUG1' });
});
afterAll(() => sshd?.stop());

function echoThroughPureJs(cipher: string): Promise<{ binding: boolean; cipher: string; results: Array<{ size: number; same: boolean }> }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [child, String(sshd.port), sshd.clientKeyPath, cipher, ...sizes.map(String)], { timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
  });
}

test('the carried ssh2 patch is applied', () => {
  const crypto = readFileSync(fileURLToPath(new URL('../../node_modules/ssh2/lib/protocol/crypto.js', import.meta.url)), 'utf8');
  expect(crypto).toContain('function fillPadding(');
});

test.each(ciphers)('%s through the pure-JS path: every size comes back byte for byte', async (cipher) => {
  const report = await echoThroughPureJs(cipher);
  expect(report.binding).toBe(false);
  expect(report.results).toEqual(sizes.map((size) => ({ size, same: true })));
  expect(await sshd.log()).toContain(`kex: client->server cipher: ${cipher}`);
});
