// The systems editor's model: a system's settings as the fields a person fills in, and back. The settings people
// change most get a field of their own; everything else a kind accepts stays editable as JSON, so nothing in
// config.json is out of reach or lost by an edit. Drafts are checked with config.json's own schema.
import { SystemName } from '../../../shared/api.js';
import { SystemConfig } from '../../../shared/config.js';
import { joinWords, splitWords } from './words.js';

export interface DraftField {
  key: string;
  label: string;
  type: 'text' | 'number' | 'words';
  help: string;
  placeholder?: string;
}

const shellFields: DraftField[] = [
  {
    key: 'cmd',
    label: 'Jupyter command',
    type: 'words',
    placeholder: 'jupyter lab',
    help: 'What starts Jupyter there. Use the full path when it is not on the PATH of a non-login shell, e.g. /opt/conda/bin/jupyter lab.',
  },
  { key: 'args', label: 'Extra arguments', type: 'words', placeholder: '--ServerApp.shutdown_no_activity_timeout=3600', help: 'Added after the command. Quote an argument that holds spaces.' },
  { key: 'notebook_dir', label: 'Notebook folder', type: 'text', placeholder: '~', help: 'Where Jupyter opens. {username} is replaced by the user name.' },
  { key: 'start_timeout', label: 'Start timeout (seconds)', type: 'number', placeholder: '60', help: 'How long a start may take before it is given up and cleaned up.' },
];

const sshFields: DraftField[] = [
  { key: 'host', label: 'Host', type: 'text', placeholder: 'cluster.example.org', help: 'A host name, or an alias from ~/.ssh/config (its HostName, User, Port, IdentityFile and ProxyJump apply).' },
  { key: 'user', label: 'User', type: 'text', placeholder: 'from ~/.ssh/config, else your login name', help: '' },
  { key: 'port', label: 'Port', type: 'number', placeholder: '22', help: '' },
  { key: 'identity_file', label: 'Key file', type: 'text', placeholder: '~/.ssh/id_ed25519', help: 'Leave empty to use ssh-agent and ~/.ssh/config. A passphrase, password or 2FA code is asked for when needed.' },
];

const jupyterhubFields: DraftField[] = [
  {
    key: 'hub_url',
    label: 'Hub URL',
    type: 'text',
    placeholder: 'https://hub.example.org/',
    help: 'The JupyterHub you log in to in the browser. The first start asks for your hub user name and password once; hubtray creates an API token with them and keeps it in the keychain.',
  },
  {
    key: 'user',
    label: 'Hub user',
    type: 'text',
    placeholder: 'you',
    help: 'Leave empty to start your own servers. Name another user only when you log in as a hub admin: your token then starts servers for them.',
  },
];

/** The kinds offered for adding, in this order, each with the settings that get a field of their own. */
export const kinds: Record<string, { label: string; add: string; fields: DraftField[] }> = {
  ssh: { label: 'SSH host', add: 'an SSH host', fields: [...sshFields, ...shellFields] },
  slurm: { label: 'Slurm cluster', add: 'a Slurm cluster', fields: [...sshFields, ...shellFields] },
  jupyterhub: { label: 'JupyterHub', add: 'a JupyterHub', fields: jupyterhubFields },
  local: { label: 'This computer', add: 'this computer', fields: shellFields },
};

export function kindLabel(kind: string): string {
  return kinds[kind]?.label ?? kind;
}

export interface Draft {
  name: string;
  kind: string;
  description: string;
  fields: Record<string, string>;
  /** The kind's other settings, as a JSON object's text ('' for none). */
  advanced: string;
}

export function draftFrom(name: string, settings: Record<string, unknown>): Draft {
  const kind = typeof settings.kind === 'string' ? settings.kind : 'ssh';
  const own = kinds[kind]?.fields ?? [];
  const fields: Record<string, string> = {};
  for (const field of own) fields[field.key] = fieldText(field, settings[field.key]);
  const rest = Object.fromEntries(Object.entries(settings).filter(([key]) => key !== 'kind' && key !== 'description' && !own.some((f) => f.key === key)));
  return {
    name,
    kind,
    description: typeof settings.description === 'string' ? settings.description : '',
    fields,
    advanced: Object.keys(rest).length > 0 ? JSON.stringify(rest, null, 2) : '',
  };
}

function fieldText(field: DraftField, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (field.type === 'words') return joinWords(Array.isArray(value) ? value.map(String) : [String(value)]);
  return String(value);
}

export interface CheckedDraft {
  settings: Record<string, unknown> | null;
  /** Per field key, plus 'name' and 'advanced'. */
  errors: Record<string, string>;
}

/** The settings a draft stands for, checked; `taken` are names other systems already have. */
export function checkDraft(draft: Draft, taken: readonly string[]): CheckedDraft {
  const errors: Record<string, string> = {};
  const name = SystemName.safeParse(draft.name);
  if (!name.success) errors.name = name.error.issues[0]?.message ?? 'invalid name';
  else if (taken.includes(draft.name)) errors.name = `a system named "${draft.name}" already exists`;

  const own = kinds[draft.kind]?.fields ?? [];
  let advanced: Record<string, unknown> = {};
  if (draft.advanced.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(draft.advanced);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('expected a JSON object, {…}');
      advanced = parsed as Record<string, unknown>;
      const duplicate = Object.keys(advanced).find((key) => key === 'kind' || key === 'description' || own.some((f) => f.key === key));
      if (duplicate) errors.advanced = `"${duplicate}" has its own field above; remove it here`;
    } catch (error) {
      errors.advanced = `not valid JSON: ${(error as Error).message}`;
    }
  }

  const settings: Record<string, unknown> = { kind: draft.kind, ...advanced };
  if (draft.description.trim() !== '') settings.description = draft.description.trim();
  for (const field of own) {
    const text = draft.fields[field.key]?.trim() ?? '';
    if (text === '') continue;
    settings[field.key] = field.type === 'number' ? Number(text) : field.type === 'words' ? splitWords(text) : text;
  }

  const checked = SystemConfig.safeParse(settings);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const [key, ...rest] = issue.path.map(String);
      const where = key !== undefined && own.some((f) => f.key === key) ? key : 'advanced';
      const message = where === 'advanced' && key !== undefined ? `${[key, ...rest].join('.')}: ${issue.message}` : issue.message;
      errors[where] ??= message;
    }
  }
  return { settings: Object.keys(errors).length === 0 ? settings : null, errors };
}
