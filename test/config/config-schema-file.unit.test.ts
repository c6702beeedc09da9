// docs/config.schema.json is generated; this keeps the committed copy from going stale.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderConfigSchema } from '../../build/write-config-schema.js';

describe('docs/config.schema.json', () => {
  it('equals what build/write-config-schema.ts generates (regenerate with `npm run schema`)', async () => {
    const committed = await readFile(new URL('../../docs/config.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(renderConfigSchema());
  });

  it('describes the settings an editor should offer', () => {
    const schema = JSON.parse(renderConfigSchema());
    const ssh = schema.properties.systems.additionalProperties.oneOf.find((s: { properties: { kind: { const: string } } }) => s.properties.kind.const === 'ssh');
    expect(Object.keys(ssh.properties)).toEqual(expect.arrayContaining(['host', 'cmd', 'args', 'start_timeout', 'notebook_dir', 'poll_interval']));
    expect(ssh.additionalProperties).toBe(false);
  });
});
