// The options form as a batch system offers it right now. Each field starts at the value its setting has in the
// config: a submitted form value replaces the setting, so a field that started empty would drop what the config
// says. The cluster's partitions (sinfo) become the choices for req_partition, and its largest node bounds
// req_nprocs. Where sinfo is not allowed or does not answer in time, those fields stay as configured. The partitions
// are kept a few minutes, so listing systems does not query the cluster every time.
import type { CommonSettings } from '../../../shared/config.js';
import type { FormField, FormSchema } from '../../../shared/forms.js';
import type { Partition } from './batch-adapter.js';
import type { BatchClient } from './batch-client.js';

const TTL_MS = 5 * 60_000;
const TIMEOUT_MS = 5_000;

const cache = new WeakMap<object, Map<string, { at: number; partitions: Promise<Partition[] | null> }>>();

/** `owner` and `key` name the cluster, as for its queue poller. */
export async function liveForm(settings: CommonSettings, client: BatchClient, owner: object, key: string): Promise<FormSchema> {
  let byKey = cache.get(owner);
  if (!byKey) cache.set(owner, (byKey = new Map()));
  let entry = byKey.get(key);
  if (!entry || Date.now() - entry.at > TTL_MS) {
    entry = { at: Date.now(), partitions: client.partitions(TIMEOUT_MS).catch(() => null) };
    byKey.set(key, entry);
  }
  const form = withSettingDefaults(settings);
  const partitions = await entry.partitions;
  return partitions?.length ? withPartitions(form, partitions) : form;
}

/** The form, each field defaulting to the configured value of the setting it sets (apply_user_options). */
export function withSettingDefaults(settings: CommonSettings): FormSchema {
  const values = settings as unknown as Record<string, unknown>;
  return {
    fields: settings.options_form.fields.map((field): FormField => {
      const setting = settings.apply_user_options[field.name];
      const value = setting === undefined || field.default !== undefined ? undefined : values[setting];
      if (value === undefined || value === '') return field;
      if (field.type === 'text' && (typeof value === 'string' || typeof value === 'number')) return { ...field, default: String(value) };
      if (field.type === 'number' && typeof value === 'number') return { ...field, default: value };
      if (field.type === 'checkbox' && typeof value === 'boolean') return { ...field, default: value };
      return field;
    }),
  };
}

export function withPartitions(form: FormSchema, partitions: Partition[]): FormSchema {
  const fallback = partitions.find((p) => p.isDefault)?.name;
  const cpus = Math.max(0, ...partitions.map((p) => p.cpus ?? 0));
  return {
    fields: form.fields.map((field): FormField => {
      if (field.name === 'req_partition' && field.type === 'text') {
        const { pattern: _pattern, default: configured = '', ...rest } = field;
        // A configured value sinfo does not list (a list of partitions, a hidden one) stays a choice.
        const extra = configured !== '' && !partitions.some((p) => p.name === configured) ? [{ value: configured }] : [];
        return {
          ...rest,
          type: 'select',
          // '' keeps the cluster's own default, as an empty text field does.
          choices: [{ value: '', label: fallback ? `default (${fallback})` : 'default' }, ...partitions.map((p) => ({ value: p.name })), ...extra],
          default: configured,
        };
      }
      if (field.name === 'req_nprocs' && field.type === 'number' && cpus > 0) return { ...field, max: Math.min(field.max ?? cpus, cpus) };
      return field;
    }),
  };
}
