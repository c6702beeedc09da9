// A setting named in a message reads as the system editor labels it, with config.json's name in brackets ("HTTP
// timeout [http_timeout]"): the person at the window finds the field, the one editing config.json the key.
import type { EditorField } from './kind.js';
import { shellEditorFields, sshEditorFields } from './settings.js';

/** A field's label without its unit: "Start timeout" for "Start timeout (seconds)", as it reads inside a sentence. */
export function plainLabel(field: Pick<EditorField, 'label'>): string {
  return field.label.replace(/\s*\(.*\)$/, '');
}

const labels = new Map([...shellEditorFields, ...sshEditorFields].map((field) => [field.key, plainLabel(field)]));

/** "Jupyter command [cmd]"; a setting the editor has no field for is named by its key alone. */
export function settingName(key: string): string {
  const label = labels.get(key);
  return label ? `${label} [${key}]` : key;
}
