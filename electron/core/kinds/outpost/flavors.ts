// The Outpost's flavors (GET /flavors/): {name: {max, maxPerUser?, weight, display_name, description, current}}.
// They become the choices of the form's flavor field, each with its use (current/max), and a start on a flavor that
// is full is refused before it is sent, in the Outpost's own words.
import type { FormField, FormSchema } from '../../../../shared/forms.js';
import { FLAVOR_FIELD } from '../../../../shared/kinds/outpost.js';

export interface Flavor {
  max: number;
  maxPerUser?: number;
  weight: number;
  displayName: string;
  description: string;
  current: number;
}

/** Lenient: a flavor with odd fields is shown as well as it can be; a body that is no object is no flavors. */
export function parseFlavors(json: unknown): Map<string, Flavor> {
  const flavors = new Map<string, Flavor>();
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return flavors;
  for (const [name, raw] of Object.entries(json as Record<string, Record<string, unknown>>)) {
    if (typeof raw !== 'object' || raw === null) continue;
    const num = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);
    flavors.set(name, {
      max: num(raw.max, -1),
      ...(typeof raw.maxPerUser === 'number' ? { maxPerUser: raw.maxPerUser } : {}),
      weight: num(raw.weight, 0),
      displayName: typeof raw.display_name === 'string' && raw.display_name ? raw.display_name : name,
      description: typeof raw.description === 'string' ? raw.description : '',
      current: num(raw.current, 0),
    });
  }
  return flavors;
}

/** The form with its flavor field offering the flavors, heaviest first, as "Display name (current/max)". */
export function flavorForm(form: FormSchema, flavors: Map<string, Flavor>): FormSchema {
  if (flavors.size === 0) return form;
  const choices = [...flavors.entries()]
    .sort(([, a], [, b]) => b.weight - a.weight)
    .map(([value, f]) => ({ value, label: `${f.displayName} (${f.current}/${f.max === -1 ? '∞' : f.max})${f.description ? ` – ${f.description}` : ''}` }));
  const fields = form.fields.map((field): FormField => {
    if (field.name !== FLAVOR_FIELD) return field;
    const current = 'default' in field && typeof field.default === 'string' && flavors.has(field.default) ? field.default : choices[0]?.value;
    return { name: field.name, type: 'select', choices, ...(field.label ? { label: field.label } : {}), ...(field.help ? { help: field.help } : {}), ...(current ? { default: current } : {}) };
  });
  return { fields };
}

/** The Outpost's refusal of a start on a full flavor (its api/utils.py wording), or null when there is room. */
export function fullFlavor(serviceName: string, jupyterhubName: string, flavor: string, flavors: Map<string, Flavor>): string | null {
  const f = flavors.get(flavor);
  if (!f || f.max === -1 || f.current < f.max) return null;
  return `${serviceName} - Start with ${flavor} for ${jupyterhubName} not allowed. Maximum (${f.max}) already reached.`;
}
