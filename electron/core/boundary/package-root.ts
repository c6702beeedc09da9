// The folder of hubtray's package.json, found by walking up from this module rather than by a fixed "../../..": the
// same code runs from tsc's tree (dist/electron/core/…, which the tray app loads, also inside an asar) and from the
// CLI's bundle (dist/cli/…), at different depths.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let folder = start; ; folder = path.dirname(folder)) {
    if (existsSync(path.join(folder, 'package.json'))) return folder;
    if (path.dirname(folder) === folder) throw new Error(`hubtray's package.json is in no folder above ${start}`);
  }
}

/** A file or folder of the package, e.g. `packagePath('renderer', 'dist')`. */
export function packagePath(...parts: string[]): string {
  return path.join(findPackageRoot(), ...parts);
}
