// Runs on Node's hooks thread (see module-trace.ts): each module's URL is appended as it loads.
import { appendFileSync } from 'node:fs';

let file = '';

export function initialize(data: { file: string }): void {
  file = data.file;
}

export async function load(url: string, context: object, nextLoad: (url: string, context: object) => Promise<unknown>): Promise<unknown> {
  appendFileSync(file, `${url}\n`);
  return nextLoad(url, context);
}
