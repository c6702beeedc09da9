// The CLI runs from dist/electron/core/cli/, four levels below the package root.
import { readFileSync } from 'node:fs';

export function hubtrayVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
