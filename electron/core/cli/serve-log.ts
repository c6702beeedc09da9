// What a headless hub tells its operator: servers changing status, and notices. Never a token or a URL with one:
// server events carry only the token-free URL.
import type { HubEvent } from '../../../shared/api.js';
import { printable } from './format.js';

export function serveLogger(): (event: HubEvent) => void {
  const lastStatus = new Map<string, string>();
  return (event) => {
    if (event.event === 'notice') {
      log(`${event.data.level}: ${event.data.message}`);
    } else if (event.event === 'server') {
      const { name, system, status, reason } = event.data;
      if (lastStatus.get(name) === status) return;
      lastStatus.set(name, status);
      log(`${name} (${system}): ${status}${reason ? ` (${reason})` : ''}`);
    }
  };
}

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${printable(line)}\n`);
}
