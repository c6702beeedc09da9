// Who and where the master logs in to, as OpenSSH resolves the config (`ssh -G`): the user name the Hub reports and
// the label in messages. A config OpenSSH refuses is refused here, with its own words.
import { execFile } from 'node:child_process';
import type { SshTarget } from '../ssh-target.js';
import { SshError } from '../ssh-error.js';
import { lastLine } from './mux-client.js';

const resolveTimeoutMs = 15_000;
const maxOutputBytes = 256 * 1024;

export interface ResolvedHost {
  user: string;
  hostname: string;
  port: number;
  /** user@hostname:port */
  label: string;
}

export function resolvedHost(ssh: string, configPath: string, target: SshTarget): Promise<ResolvedHost> {
  const args = ['-G', '-F', configPath, ...(target.user !== undefined ? ['-l', target.user] : []), ...(target.port !== undefined ? ['-p', String(target.port)] : []), '--', target.host];
  return new Promise((resolve, reject) => {
    execFile(ssh, args, { timeout: resolveTimeoutMs, maxBuffer: maxOutputBytes, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) {
        const why = lastLine(stderr) || err.message;
        return reject(new SshError('config', `${target.host}: the system's OpenSSH refuses the ssh config (${configPath}): ${why}`, { cause: err }));
      }
      const value = (key: string) => new RegExp(`^${key} (.*)$`, 'm').exec(stdout)?.[1]?.trim() ?? '';
      const host = { user: value('user'), hostname: value('hostname') || target.host, port: Number(value('port')) || 22 };
      resolve({ ...host, label: `${host.user}@${host.hostname}:${host.port}` });
    });
  });
}
