import type { FormField } from '../../../../shared/forms.js';
import { parseCommand, type Command } from '../command.js';
import { printListing } from '../format.js';
import { withHub } from '../with-hub.js';

export const systems: Command = {
  summary: 'list the systems a server can be started on, and their options',
  usage: 'systems [--json]',
  async run(argv) {
    const { values } = parseCommand(argv, { json: { type: 'boolean' } }, []);
    const list = await withHub((hub) => hub.listSystems({}));
    printListing(list, values.json ?? false, 'No systems are configured. Add one to config.json in HUBTRAY_HOME.', ['NAME', 'KIND', 'OPTIONS (-o KEY=VALUE)', 'DESCRIPTION'], (s) => [
      s.name,
      s.kind,
      s.form.fields.map(optionSynopsis).join(' ') || '-',
      s.description,
    ]);
    return 0;
  },
};

function optionSynopsis(field: FormField): string {
  if (field.default === undefined) return field.name;
  return `${field.name}=${Array.isArray(field.default) ? field.default.join(',') : String(field.default)}`;
}
