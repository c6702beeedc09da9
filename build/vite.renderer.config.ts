// The renderer's build: renderer/ into renderer/dist, with relative asset paths so the same files load from the
// local API server (http://127.0.0.1:PORT/) and from Electron's own protocol (hubtray://ui/).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('../renderer', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Chromium of Electron 45 and current browsers; nothing to polyfill.
    target: 'es2022',
    // The polyfill would be inline script, which the CSP forbids; every supported browser has modulepreload.
    modulePreload: { polyfill: false },
    // Small enough to inline as data: URLs, which the CSP does not allow for scripts or styles anyway.
    assetsInlineLimit: 0,
  },
});
