// The body of POST /services, key for key as OutpostSpawner's _start sends it (reference §1 "Start body").
import { readFile } from 'node:fs/promises';
import type { OutpostSystemConfig } from '../../../../shared/config.js';
import { FLAVOR_FIELD } from '../../../../shared/kinds/outpost.js';
import { errorMessage } from '../../../../shared/error-message.js';

export interface StartBodyInput {
  /** The server name; poll and stop address the service by it. */
  name: string;
  env: Record<string, string>;
  /** After custom_user_options; start_id is added here. */
  userOptions: Record<string, unknown>;
  startId: string;
  customMisc: Record<string, unknown>;
  port: number;
  extraLabels: Record<string, string>;
}

export async function startBody(config: OutpostSystemConfig, input: StartBodyInput): Promise<Record<string, unknown>> {
  const flavor = input.userOptions[FLAVOR_FIELD];
  return {
    name: input.name,
    env: input.env,
    user_options: { ...input.userOptions, start_id: input.startId },
    misc: misc(config, input),
    certs: await readCerts(config),
    internal_trust_bundles: {},
    ...(typeof flavor === 'string' && flavor !== '' ? { flavor } : {}),
  };
}

/**
 * custom_misc, then (unless custom_misc_disable_default) OutpostSpawner's defaults, which win over it as there, but
 * for its "ip": "0.0.0.0". A stock Outpost applies misc (allow_override allows it), so that would put the lab on every
 * interface of the Outpost's host, where a hub in a cluster needs it and a desktop does not: the Outpost's own
 * configuration decides, or custom_misc's ip.
 */
function misc(config: OutpostSystemConfig, input: StartBodyInput): Record<string, unknown> {
  if (config.custom_misc_disable_default) return { ...input.customMisc };
  return {
    ...input.customMisc,
    dns_name_template: config.dns_name_template,
    pod_name_template: config.svc_name_template,
    internal_ssl: config.certs !== undefined,
    port: input.port,
    services_enabled: true,
    extra_labels: input.extraLabels,
  };
}

/** The PEM texts of `certs` (with additional_cafile appended to the CA, as OutpostSpawner does); {} without them. */
export async function readCerts(config: OutpostSystemConfig): Promise<Record<string, string>> {
  if (!config.certs) return {};
  const extra = config.additional_cafile ? await readPem(config.additional_cafile, 'additional_cafile') : '';
  return {
    keyfile: await readPem(config.certs.keyfile, 'certs.keyfile'),
    certfile: await readPem(config.certs.certfile, 'certs.certfile'),
    cafile: (await readPem(config.certs.cafile, 'certs.cafile')) + extra,
  };
}

/** A PEM file a setting names, or an error naming the setting. */
export async function readPem(file: string, setting: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`${setting}: cannot read ${file}: ${errorMessage(error)}`, { cause: error });
  }
}
