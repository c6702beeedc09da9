// A certificate authority of the test's own, made with openssl: certificates for 127.0.0.1/localhost that serve
// either end of a TLS connection (no extendedKeyUsage), as JupyterHub's internal_ssl issues them.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Issued {
  keyFile: string;
  certFile: string;
}

export interface TestCa {
  /** The CA's certificate (PEM). */
  caFile: string;
  issue(name: string): Promise<Issued>;
  cleanup(): Promise<void>;
}

export async function makeTestCa(name: string): Promise<TestCa> {
  const dir = await mkdtemp(join(tmpdir(), `hubtray-ca-${name}-`));
  const caKey = join(dir, 'ca.key');
  const caFile = join(dir, 'ca.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-keyout', caKey, '-out', caFile, '-subj', `/CN=hubtray test CA ${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const extFile = join(dir, 'leaf.ext');
  await writeFile(
    extFile,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid,issuer',
    ].join('\n'),
  );
  return {
    caFile,
    async issue(leaf) {
      const keyFile = join(dir, `${leaf}.key`);
      const csr = join(dir, `${leaf}.csr`);
      const certFile = join(dir, `${leaf}.pem`);
      await run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', csr, '-subj', `/CN=${leaf}`]);
      await run('openssl', ['x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial', '-days', '2', '-out', certFile, '-extfile', extFile]);
      return { keyFile, certFile };
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
