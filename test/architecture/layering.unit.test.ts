// The layering rules in .dependency-cruiser.cjs hold for the tree, no folder imports a folder that imports it back,
// and a broken rule fails the check (as `npm test` runs it), naming the rule and both files.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const config = path.join(root, '.dependency-cruiser.cjs');
const cli = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const sources = ['electron', 'shared', 'renderer/src', 'bench', 'testkit', 'test', 'build'];

async function cruiseTree(): Promise<ICruiseResult> {
  const options = await extractDepcruiseOptions(`./${path.relative(process.cwd(), config)}`);
  const { output } = await cruise(sources, options, undefined, { tsConfig: extractTSConfig(path.join(root, 'tsconfig.json')) });
  return output as ICruiseResult;
}

/**
 * The folder a module counts as for cycles: a room of the core (electron/core/hub), a kind (electron/core/kinds/ssh),
 * the shell, a folder of the renderer. shared/ counts as one: its kinds sit between forms.ts and config.ts.
 */
export function folderOf(file: string): string {
  if (file.startsWith('shared/')) return 'shared';
  const parts = file.split('/');
  const depth = file.startsWith('electron/core/kinds/') ? 4 : file.startsWith('electron/core/') || file.startsWith('renderer/src/') ? 3 : 2;
  return parts.slice(0, Math.min(depth, parts.length - 1)).join('/');
}

/** Every cycle of folders, each as the path that closes it (a → b → a), found by a depth-first search. */
export function folderCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (folder: string) => {
    state.set(folder, 'open');
    stack.push(folder);
    for (const next of edges.get(folder) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(folder, 'done');
  };
  for (const folder of edges.keys()) if (!state.has(folder)) visit(folder);
  return cycles;
}

describe('layering', () => {
  it('holds for the tree: every rule of .dependency-cruiser.cjs, and no folder cycles', async () => {
    const result = await cruiseTree();
    const violations = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    expect(violations).toEqual([]);
    // Enough modules were read that the rules had something to check (a wrong path would pass vacuously).
    expect(result.modules.filter((m) => m.source.startsWith('electron/core/kinds/')).length).toBeGreaterThan(40);

    const edges = new Map<string, Set<string>>();
    for (const module of result.modules) {
      if (module.source.includes('node_modules') || module.coreModule) continue;
      const from = folderOf(module.source);
      for (const dependency of module.dependencies) {
        if (dependency.coreModule || dependency.resolved.includes('node_modules') || dependency.dependencyTypes.includes('type-only')) continue;
        const to = folderOf(dependency.resolved);
        if (to !== from) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    expect(edges.get('electron/core/hub')?.has('electron/core/kinds')).toBe(true);
    expect(folderCycles(edges).map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('finds a cycle of folders and names its path', () => {
    const edges = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(folderCycles(edges)).toEqual([['a', 'b', 'c', 'a']]);
    expect(folderCycles(new Map([['a', new Set(['b'])]]))).toEqual([]);
  });

  it('fails on a tree that breaks the rules, naming each rule and both files', () => {
    const tree = mkdtempSync(path.join(tmpdir(), 'hubtray-layers-'));
    try {
      const files: Record<string, string> = {
        'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', allowJs: true } }),
        'node_modules/electron/package.json': JSON.stringify({ name: 'electron', main: 'index.js' }),
        'node_modules/electron/index.js': 'module.exports = {};\n',
        'shared/api.ts': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
        'renderer/src/app.ts': "import { hub } from '../../electron/core/hub/hub.js';\nexport const app = hub;\n",
        'electron/core/hub/hub.ts': "import { shell } from '../../shell/main.js';\nexport const hub = shell;\n",
        'electron/shell/main.ts': "import 'electron';\nimport { server } from '../core/api-server/server.js';\nexport const shell = server;\n",
        'electron/core/api-server/server.ts': 'export const server = 1;\n',
        'electron/core/kinds/ssh/index.ts': "import { slurm } from '../slurm/index.js';\nexport const ssh = slurm;\n",
        'electron/core/kinds/slurm/index.ts': "import { hub } from '../../hub/hub.js';\nexport const slurm = hub;\n",
        'electron/core/net/a.ts': "import { b } from './b.js';\nexport const a = () => b();\n",
        'electron/core/net/b.ts': "import { a } from './a.js';\nexport const b = () => a();\n",
      };
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
        writeFileSync(path.join(tree, file), text);
      }
      const run = spawnSync(process.execPath, [cli, 'electron', 'shared', 'renderer', '--config', config, '--output-type', 'err'], {
        cwd: tree,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      });
      expect(run.status).not.toBe(0);
      const out = (run.stdout + run.stderr).replace(/\s*\n\s+/g, ' ');
      for (const line of [
        'shared-is-neutral: shared/api.ts → fs',
        'renderer-only-shared: renderer/src/app.ts → electron/core/hub/hub.ts',
        'core-never-electron: electron/core/hub/hub.ts → electron/shell/main.ts',
        'hub-below-the-faces: electron/core/hub/hub.ts → electron/shell/main.ts',
        'faces-meet-through-shared: electron/shell/main.ts → electron/core/api-server/server.ts',
        'kinds-stay-apart: electron/core/kinds/ssh/index.ts → electron/core/kinds/slurm/index.ts',
        'kinds-below-the-hub: electron/core/kinds/slurm/index.ts → electron/core/hub/hub.ts',
        'no-circular: electron/core/net/a.ts → electron/core/net/b.ts → electron/core/net/a.ts',
      ]) {
        expect(out).toContain(line);
      }
      // electron resolves to the stand-in package of this tree; only the shell may import it.
      expect(out).not.toMatch(/only-the-shell-imports-electron: electron\/shell/);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});
