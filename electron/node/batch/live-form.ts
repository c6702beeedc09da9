// The options form as the cluster offers it right now: its partitions (from sinfo) as the choices for req_partition,
// and the largest node's CPUs as the bound for req_nprocs. Where sinfo is not allowed or does not answer in time, the
// configured form stays as it is. Answers are kept a few minutes, so listing systems does not query the cluster
// every time.
import type { FormField, FormSchema } from '../../../shared/forms.js';
import type { Partition } from './batch-adapter.js';
import type { BatchClient } from './batch-client.js';

const TTL_MS = 5 * 60_000;
const TIMEOUT_MS = 5_000;

const cache = new WeakMap<object, Map<string, { at: number; partitions: Promise<Partition[] | null> }>>();

/** `owner` and `key` name the cluster, as for its queue poller. */
export async function partitionsForm(form: FormSchema, client: BatchClient, owner: object, key: string): Promise<FormSchema> {
  let byKey = cache.get(owner);
  if (!byKey) cache.set(owner, (byKey = new Map()));
  let entry = byKey.get(key);
  if (!entry || Date.now() - entry.at > TTL_MS) {
    entry = { at: Date.now(), partitions: client.partitions(TIMEOUT_MS).catch(() => null) };
    byKey.set(key, entry);
  }
  const partitions = await entry.partitions;
  return partitions?.length ? withPartitions(form, partitions) : form;
}

export function withPartitions(form: FormSchema, partitions: Partition[]): FormSchema {
  const fallback = partitions.find((p) => p.isDefault)?.name;
  const cpus = Math.max(0, ...partitions.map((p) => p.cpus ?? 0));
  return {
    fields: form.fields.map((field): FormField => {
      if (field.name === 'req_partition' && field.type === 'text') {
        const { pattern: _pattern, default: initial, ...rest } = field;
        return {
          ...rest,
          type: 'select',
          // '' keeps the cluster's own default, as an empty text field did.
          choices: [{ value: '', label: fallback ? `default (${fallback})` : 'default' }, ...partitions.map((p) => ({ value: p.name }))],
          default: initial !== undefined && partitions.some((p) => p.name === initial) ? initial : '',
        };
      }
      if (field.name === 'req_nprocs' && field.type === 'number' && cpus > 0) return { ...field, max: Math.min(field.max ?? cpus, cpus) };
      return field;
    }),
  };
}
