import { readFileSync } from 'node:fs';
import { packagePath } from '../boundary/package-root.js';

export function hubtrayVersion(): string {
  const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
