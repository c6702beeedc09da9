// What the Start page says beside each system: how many of its servers run, whether its last start failed, and
// which system was used last (preselected, as a person usually starts where they started before).
import type { ServerInfo, SystemAddress } from '../../../shared/api.js';
import { isActive } from '../state/hub-state.js';

export interface SystemUse {
  /** Servers on it that are starting, running, stopping or lost. */
  active: number;
  /** Its most recent server failed (and is still listed). */
  failedLast: boolean;
}

export function systemUse(servers: readonly ServerInfo[], system: string): SystemUse {
  const on = servers.filter((s) => s.system === system);
  return { active: on.filter(isActive).length, failedLast: newest(on)?.status === 'failed' };
}

/** The system of the most recently created server hubtray still lists, if any. */
export function lastUsedSystem(servers: readonly ServerInfo[]): string | undefined {
  return newest(servers)?.system;
}

function newest(servers: readonly ServerInfo[]): ServerInfo | undefined {
  return servers.reduce<ServerInfo | undefined>((last, s) => (!last || s.createdAt > last.createdAt ? s : last), undefined);
}

/** `alice@gpubox:22`, and the jump hosts: `via bob@jump:22`. */
export function addressText(address: SystemAddress): string {
  const target = `${address.user}@${address.host}:${address.port}`;
  return address.via.length > 0 ? `${target} via ${address.via.join(', ')}` : target;
}
