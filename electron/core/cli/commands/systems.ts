import type { SystemInfo } from '../../../../shared/api.js';
import { describeSystem } from '../../../../shared/config.js';
import type { FormField } from '../../../../shared/forms.js';
import { findLiveHub } from '../../boundary/registration.js';
import { loadConfig } from '../../config/load-config.js';
import { hubPaths } from '../../config/paths.js';
import { parseCommand } from '../command.js';
import { printListing } from '../format.js';
import { withHub } from '../with-hub.js';

/** A system as config.json alone describes it, when no hub runs to ask the system for its current form. */
type ConfiguredSystem = Pick<SystemInfo, 'name' | 'kind' | 'description' | 'form'>;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { json: { type: 'boolean' } }, []);
  const list = (await findLiveHub()) ? await withHub((hub) => hub.listSystems({})) : await configuredSystems();
  printListing<ConfiguredSystem>(list, values.json ?? false, 'No systems are configured. Add one to config.json in HUBTRAY_HOME.', ['NAME', 'KIND', 'OPTIONS (-o KEY=VALUE)', 'DESCRIPTION'], (s) => [
    s.name,
    s.kind,
    s.form.fields.map(optionSynopsis).join(' ') || '-',
    s.description,
  ]);
  return 0;
}

/** config.json's systems, validated as the hub would load them (a bad file fails with the setting to fix). */
async function configuredSystems(): Promise<ConfiguredSystem[]> {
  const file = hubPaths().config;
  const config = await loadConfig(file);
  process.stderr.write(`hubtray: no hub is running; these are the systems of ${file}, with the options configured there (a running hub may offer more)\n`);
  return Object.entries(config.systems).map(([name, system]) => ({
    name,
    kind: system.kind,
    description: system.description ?? describeSystem(system),
    form: system.options_form,
  }));
}

/** `mem=4G|16G` for a select, `dir=~` for a field with a default, the name alone for one without. */
export function optionSynopsis(field: FormField): string {
  if (field.type === 'select') return `${field.name}=${field.choices.map((choice) => choice.value).join('|')}`;
  if (field.default === undefined) return field.name;
  return `${field.name}=${String(field.default)}`;
}
