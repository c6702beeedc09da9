// Tests and benchmarks that run the built hubtray (dist/, renderer/dist/) must run what the sources say: a build
// older than a source it came from would test yesterday's code and pass or fail for the wrong reason.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// From the sources (vitest) or from dist/testkit (the benchmark): the repository either way.
const repoRoot = fileURLToPath(new URL(import.meta.url.includes('/dist/testkit/') ? '../..' : '..', import.meta.url));

function sourcesUnder(root: string, folder: string, pattern: RegExp): string[] {
  return readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && pattern.test(entry.name))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

const mtimeIn = (root: string) => (file: string): number | null => {
  try {
    return statSync(path.join(root, file)).mtimeMs;
  } catch {
    return null;
  }
};

/** The first source that changed after its build (or has none), as "source → built file"; null when all is built. */
export function staleBuild(root = repoRoot): string | null {
  const mtime = mtimeIn(root);
  // tsc writes one .js per .ts under dist/, keeping the tree.
  for (const source of [...sourcesUnder(root, 'electron', /\.ts$/), ...sourcesUnder(root, 'shared', /\.ts$/)]) {
    if (source.endsWith('.d.ts')) continue;
    const built = path.join('dist', source.replace(/\.ts$/, '.js'));
    const at = mtime(built);
    if (at === null || at < (mtime(source) ?? 0)) return `${source} → ${built}`;
  }
  // Vite bundles the CLI, with the hub under `serve`, into dist/cli/ (build/vite.cli.config.ts).
  const cli = mtime('dist/cli/hubtray.js');
  for (const source of [...sourcesUnder(root, 'electron/core', /\.ts$/), ...sourcesUnder(root, 'shared', /\.ts$/)]) {
    if (cli === null || cli < (mtime(source) ?? 0)) return `${source} → dist/cli/hubtray.js`;
  }
  // Vite bundles the renderer (and shared/, which it imports) into renderer/dist/index.html and its assets.
  const ui = mtime('renderer/dist/index.html');
  for (const source of [...sourcesUnder(root, 'renderer/src', /\.(tsx?|css)$/), 'renderer/index.html', ...sourcesUnder(root, 'shared', /\.ts$/)]) {
    if (ui === null || ui < (mtime(source) ?? 0)) return `${source} → renderer/dist/index.html`;
  }
  return null;
}

/** Throws, naming the stale file, unless dist/ and renderer/dist/ are at least as new as every source. */
export function requireFreshBuild(): void {
  const stale = staleBuild();
  if (stale) throw new Error(`the build is older than the sources (${stale}): run \`npm run build\` before these tests`);
}
