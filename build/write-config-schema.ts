// Publishes the JSON Schema of config.json for editors (docs/config.schema.json). A test keeps the committed file
// equal to this output, so after a change to shared/config.ts run: npm run schema
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { configJsonSchema } from '../shared/config.js';

export function renderConfigSchema(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const target = path.resolve(process.argv[2] ?? 'docs/config.schema.json');
  await writeFile(target, renderConfigSchema());
  process.stdout.write(`wrote ${target}\n`);
}
