#!/usr/bin/env node
// The `hubtray` command. Node's compile cache (Node ≥ 22.1, so the tray app's Electron too) keeps V8's compiled code
// between runs; on Node 20 there is none, and nothing is done. It must be on before the rest loads, hence the import().
import module from 'node:module';

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { run } = await import('./run.js');
process.exitCode = await run(process.argv.slice(2));
