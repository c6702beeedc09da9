// The kinds are listed once (shared/kinds/registry.ts), and everything per kind derives from that list: the contract's
// SystemKind, config.json's union, and the core's modules, one folder each under electron/core/kinds/.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SystemKind } from '../../shared/api.js';
import { SystemConfig } from '../../shared/config.js';
import { kindDescriptor, kindNames, systemKinds } from '../../shared/kinds/registry.js';
import { kindOf, loadAllKinds, loadKinds } from '../../electron/core/kinds/registry.js';

const kindsFolder = fileURLToPath(new URL('../../electron/core/kinds/', import.meta.url));

describe('the kinds', () => {
  it('are one list: the contract, config.json and the core folders all follow it', () => {
    expect(SystemKind.options).toEqual(kindNames);
    expect(new Set(kindNames).size).toBe(systemKinds.length);
    const folders = readdirSync(kindsFolder, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.sort()).toEqual([...kindNames].sort());
  });

  it('each parse as their own kind in config.json and have a core module with a spawner', async () => {
    await loadAllKinds();
    const minimal: Record<string, Record<string, unknown>> = {
      ssh: { host: 'h' },
      slurm: { host: 'h' },
      jupyterhub: { hub_url: 'https://hub.example.org/' },
      local: {},
      outpost: { request_url: 'https://outpost.example.org/services' },
    };
    for (const kind of kindNames) {
      const settings = SystemConfig.parse({ kind, ...minimal[kind] });
      expect(settings.kind).toBe(kind);
      expect(typeof kindOf(settings).spawner).toBe('function');
      expect(kindDescriptor(kind)?.describe(settings as never)).toMatch(/\S/);
    }
    // A kind that is not listed is refused, by the config and by the loader.
    await expect(loadKinds(['pbs'])).rejects.toThrow(/^no core module for kind "pbs"/);
    expect(SystemConfig.safeParse({ kind: 'pbs', host: 'h' }).success).toBe(false);
  });
});
