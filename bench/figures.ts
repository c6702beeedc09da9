// What the benchmark collects per variant, filled by run.ts and printed by report.ts.
import { percentile } from './stats.js';

export interface Ports {
  sink: number;
  source: number;
  echo: number;
  http: number[];
}

export interface Bulk {
  mibps: number[];
  /** CPU time of the tunnel client process (ssh, or hubtray's) per MiB moved, in user and kernel mode. */
  userMsPerMiB: number[];
  sysMsPerMiB: number[];
  /** How busy the whole machine was, in % of all its CPUs. */
  machineBusy: number[];
}

export interface Latency {
  p50: number[];
  p99: number[];
  samples: number;
}

export function addLatency(into: Latency, times: number[]): void {
  into.p50.push(percentile(times, 50));
  into.p99.push(percentile(times, 99));
  into.samples += times.length;
}

export interface Concurrency {
  mibps: number[];
  errors: string[];
  connections: number;
}

export interface Fleet {
  command: string;
  forwardsOk: number;
  clientConnections: number[];
  serverConnections: number[];
  acceptedLogins: number;
  cpuPercent: number;
  rss: number;
  processes: number;
}

export const emptyBulk = (): Bulk => ({ mibps: [], userMsPerMiB: [], sysMsPerMiB: [], machineBusy: [] });
export const emptyLatency = (): Latency => ({ p50: [], p99: [], samples: 0 });
