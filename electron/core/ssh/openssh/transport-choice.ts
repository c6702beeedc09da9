// Which client logs in to a target: ssh_transport "ssh2" or "openssh" as the system says, or with "auto" (the
// default) the system's OpenSSH only when the host's config needs what ssh2 cannot do: a keyword the keyword table
// leaves to OpenSSH (GSSAPIAuthentication, PKCS11Provider, SecurityKeyProvider, ...), or a FIDO (`sk-`) key file.
import { readFile } from 'node:fs/promises';
import type { SshTransport } from '../../../../shared/config.js';
import { resolveChain, resolveForTransport, type HostSettings } from '../ssh-config.js';
import { SshError } from '../ssh-error.js';
import type { SshTarget } from '../ssh-target.js';

const transports: readonly SshTransport[] = ['auto', 'ssh2', 'openssh'];

export type TransportChoice =
  | { transport: 'ssh2'; chain: HostSettings[] }
  | {
      transport: 'openssh';
      /** For the log: the setting and where it is, e.g. `GSSAPIAuthentication yes (~/.ssh/config line 3)`. */
      why: string;
      /** For a start's events, shorter; only when auto chose OpenSSH (a system that asks for it knows). */
      note: string | undefined;
    };

/** `env` is where a system without ssh_transport takes it from (HUBTRAY_SSH_TRANSPORT), for every host at once. */
export async function chooseTransport(target: SshTarget, configPath: string, env: NodeJS.ProcessEnv = process.env): Promise<TransportChoice> {
  const transport = target.transport ?? defaultTransport(env);
  if (transport === 'openssh') return { transport, why: 'ssh_transport "openssh"', note: undefined };
  if (transport === 'ssh2') return { transport, chain: await resolveChain(target, configPath) };
  const { chain, needsOpenSsh } = await resolveForTransport(target, configPath);
  const reasons = [...needsOpenSsh, ...(await securityKeys(chain)).map((file) => `the FIDO key ${file}`)];
  if (reasons.length === 0) return { transport: 'ssh2', chain };
  return {
    transport: 'openssh',
    why: `ssh_transport "auto", for ${reasons.join(', ')}`,
    note: `through the system's OpenSSH, for ${reasons.map((reason) => reason.replace(/ \(.*\)$/, '')).join(', ')}`,
  };
}

function defaultTransport(env: NodeJS.ProcessEnv): SshTransport {
  const value = env.HUBTRAY_SSH_TRANSPORT;
  if (value === undefined || value === '') return 'auto';
  const known = transports.find((transport) => transport === value);
  if (!known) throw new SshError('config', `HUBTRAY_SSH_TRANSPORT "${value.slice(0, 40)}" is not one of ${transports.join(', ')}; set it to one of them, or unset it`);
  return known;
}

/** The configured key files that are FIDO security keys, as their public halves say (ssh2 cannot sign with them). */
async function securityKeys(chain: HostSettings[]): Promise<string[]> {
  const files = [...new Set(chain.flatMap((hop) => (hop.identityFilesConfigured ? hop.identityFiles : [])))];
  const found = await Promise.all(
    files.map(async (file) => {
      const publicHalf = await readFile(`${file}.pub`, 'utf8').catch(() => '');
      return /^sk-/.test(publicHalf) ? [file] : [];
    }),
  );
  return found.flat();
}
