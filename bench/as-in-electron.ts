// Keeps ssh2's native crypto binding and cpu-features from loading in this process, as happens inside Electron,
// where those Node-ABI binaries do not load: ssh2 then takes its pure-JS path. Must run before ssh2 is required.
import { createRequire } from 'node:module';

export function blockNativeSsh2Crypto(): void {
  const Module = createRequire(import.meta.url)('node:module') as { _extensions: Record<string, (module: unknown, filename: string) => unknown> };
  const loadNative = Module._extensions['.node']!;
  Module._extensions['.node'] = (module, filename) => {
    if (/[/\\](ssh2[^/\\]*|cpu-features)[/\\]/.test(filename)) throw new Error(`not loaded, as in Electron: ${filename}`);
    return loadNative(module, filename);
  };
}
