// OpenSSH user certificates: a CA's signature over a public key, offered in the key's place (CertificateFile, and the
// `KEY-cert.pub` OpenSSH looks for beside a key file). ssh2 offers them through hubtray's patch to it (patches/):
// `utils.parseKey` reads a certificate, and a publickey method takes one as `certificate`.
import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';

declare module 'ssh2' {
  interface PublicKeyAuthMethod {
    /** An OpenSSH certificate of `key`, offered in place of its public half (hubtray's ssh2 patch). */
    certificate?: ParsedKey;
  }
}

/** The certificate in `file`; null when there is no such file, an Error when it holds something else. */
export async function readCertificate(file: string): Promise<ParsedKey | Error | null> {
  let text: Buffer;
  try {
    text = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return err instanceof Error ? err : new Error(String(err));
  }
  const parsed = ssh2.utils.parseKey(text);
  if (parsed instanceof Error) return parsed;
  return /-cert-v01@openssh\.com$/.test(parsed.type) ? parsed : new Error(`a ${parsed.type} key, not an OpenSSH certificate`);
}

/** Whether `certificate` certifies the public half of `key` (it verifies as that key). */
export function certifies(certificate: ParsedKey, key: ParsedKey): boolean {
  return certificate.getPublicPEM() === key.getPublicPEM();
}
