// The `hubtray` CLI (and `hubtray serve`'s hub) as a bundle in dist/cli/: Node pays about a millisecond per module it
// loads, and zod alone is ~95 modules, so a command loaded from tsc's tree spent most of its time finding files.
// Each command stays a chunk of its own (command-table.ts imports it on use); packages with native code or a
// require() of their own files stay outside, loaded from node_modules as before.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  logLevel: 'warn',
  build: {
    ssr: fileURLToPath(new URL('../electron/core/cli/main.ts', import.meta.url)),
    outDir: 'dist/cli',
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    minify: false,
    rollupOptions: { output: { format: 'es', entryFileNames: 'hubtray.js', chunkFileNames: 'chunks/[name]-[hash].js' } },
  },
  // Pure-JS packages that are many small modules go into the bundle; ssh2, undici, ws and the keyring stay outside.
  ssr: { target: 'node', noExternal: ['zod', 'jsonc-parser', 'eventsource-parser'] },
});
