// The lab's address as the Outpost states it: "host:port", or a URL with them, read as ForwardBaseSpawner's
// split_service_address reads it; anything else is refused rather than tunnelled to.
import { OutpostError } from './errors.js';

export function splitService(service: string): { host: string; port: number } {
  const match = /^(?:https?:\/\/)?(\[[^\]]+\]|[^:/\s]+):(\d{1,5})(?:\/.*)?$/.exec(service.trim());
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535) throw new OutpostError(`the Outpost's service address "${service.slice(0, 100)}" is not host:port`, null);
  return { host: (match[1] as string).replace(/^\[|\]$/g, ''), port };
}

/** "host:port" without a scheme or path, as the record keeps it. */
export function normalService(service: string): string {
  const { host, port } = splitService(service);
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
