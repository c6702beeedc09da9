// What the Start page says beside each system: how many of its servers run, and whether its last start failed. (Which
// system was used last is the Hub's: SystemInfo.lastUsed.)
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

function newest(servers: readonly ServerInfo[]): ServerInfo | undefined {
  return servers.reduce<ServerInfo | undefined>((last, s) => (!last || s.createdAt > last.createdAt ? s : last), undefined);
}

/** `alice@gpubox:22`, and the jump hosts: `via bob@jump:22`. */
export function addressText(address: SystemAddress): string {
  const target = `${address.user}@${address.host}:${address.port}`;
  return address.via.length > 0 ? `${target} via ${address.via.join(', ')}` : target;
}
