// The systems editor's model: a system's settings as the fields a person fills in, and back. The settings people
// change most get a field of their own (each kind names them, shared/kinds/); everything else a kind accepts stays editable as JSON, so nothing in
// config.json is out of reach or lost by an edit. Drafts are checked with config.json's own schema.
import { SystemName } from '../../../shared/api.js';
import { errorMessage } from '../../../shared/error-message.js';
import { SystemConfig } from '../../../shared/config.js';
import type { EditorField } from '../../../shared/kinds/kind.js';
import { kindDescriptor, systemKinds } from '../../../shared/kinds/registry.js';
import { plainLabel } from '../../../shared/kinds/setting-name.js';
import { joinWords, splitWords } from './words.js';
import { fieldMessage, issueInWords, issuePath } from '../../../shared/zod-words.js';

/** The kinds the editor offers for adding, in the registry's order; every kind's fields, for editing. */
export const addableKinds = systemKinds.filter((k) => k.add !== null);

function editorFields(kind: string): readonly EditorField[] {
  return kindDescriptor(kind)?.editorFields ?? [];
}

export function kindLabel(kind: string): string {
  return kindDescriptor(kind)?.label ?? kind;
}

/** "an SSH host", for the editor's title. */
export function kindToAdd(kind: string): string {
  return kindDescriptor(kind)?.add ?? `a ${kindLabel(kind)} system`;
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
  const own = editorFields(kind);
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

function fieldText(field: EditorField, value: unknown): string {
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

  const own = editorFields(draft.kind);
  let advanced: Record<string, unknown> = {};
  if (draft.advanced.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(draft.advanced);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('expected a JSON object, {…}');
      advanced = parsed as Record<string, unknown>;
      const duplicate = Object.keys(advanced).find((key) => key === 'kind' || key === 'description' || own.some((f) => f.key === key));
      if (duplicate) errors.advanced = `"${duplicate}" has its own field above; remove it here`;
    } catch (error) {
      errors.advanced = `not valid JSON: ${errorMessage(error)}`;
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
      const key = issue.path.length > 0 ? String(issue.path[0]) : undefined;
      const field = own.find((f) => f.key === key);
      // Under its own field the sentence is about the field's label ("Port must be …"); in the JSON, about the path.
      const message = field ? fieldMessage(issue, plainLabel(field)) : issueInWords(issue, issuePath(issue.path) || undefined);
      errors[field ? field.key : 'advanced'] ??= message;
    }
  }
  return { settings: Object.keys(errors).length === 0 ? settings : null, errors };
}
