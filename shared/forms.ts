// Options forms. JupyterHub's `options_form` is an HTML snippet; hubtray's is data, so that every face (renderer,
// tray, CLI) can render and validate the same form. `optionsFromForm` is JupyterHub's `options_from_form`: form
// data always arrives as lists of strings and is coerced here into typed `user_options`.
import { z } from 'zod';

const FieldBase = {
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'a field name is an identifier'),
  label: z.string().optional(),
  help: z.string().optional(),
};

export const FormField = z.discriminatedUnion('type', [
  z.object({ ...FieldBase, type: z.literal('text'), default: z.string().optional(), pattern: z.string().optional() }).strict(),
  z
    .object({
      ...FieldBase,
      type: z.literal('number'),
      default: z.number().optional(),
      min: z.number().optional(),
      max: z.number().optional(),
      integer: z.boolean().optional(),
    })
    .strict(),
  z.object({ ...FieldBase, type: z.literal('checkbox'), default: z.boolean().optional() }).strict(),
  z
    .object({
      ...FieldBase,
      type: z.literal('select'),
      choices: z.array(z.object({ value: z.string(), label: z.string().optional() }).strict()).min(1),
      default: z.string().optional(),
      multiple: z.boolean().optional(),
    })
    .strict(),
]);
export type FormField = z.infer<typeof FormField>;

export const FormSchema = z.object({ fields: z.array(FormField) }).strict();
export type FormSchema = z.infer<typeof FormSchema>;

export type UserOptions = Record<string, unknown>;

export class OptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionsError';
  }
}

/** JupyterHub's options_from_form: `{field: [strings]}` to typed values, checked against the form. */
export function optionsFromForm(form: FormSchema, formData: Record<string, string[]>): UserOptions {
  rejectUnknown(form, formData);
  const options: UserOptions = {};
  for (const field of form.fields) {
    const values = formData[field.name];
    if (values === undefined) continue;
    options[field.name] = coerceField(field, values);
  }
  return checkOptions(form, options);
}

/** Checks typed user options against the form: known fields only, right types, within bounds, defaults filled. */
export function checkOptions(form: FormSchema, options: UserOptions): UserOptions {
  rejectUnknown(form, options);
  const result: UserOptions = {};
  for (const field of form.fields) {
    const value = options[field.name] ?? field.default;
    if (value === undefined) continue;
    result[field.name] = checkField(field, value);
  }
  return result;
}

// A typo in an option name must not be ignored silently: the user would start a server without the setting.
function rejectUnknown(form: FormSchema, options: Record<string, unknown>): void {
  const known = new Set(form.fields.map((f) => f.name));
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new OptionsError(`unknown option "${key}"; this system's form has: ${[...known].join(', ') || 'no fields'}`);
  }
}

function coerceField(field: FormField, values: string[]): unknown {
  const first = values[0] ?? '';
  switch (field.type) {
    case 'text':
      return first;
    case 'number': {
      const n = Number(first.trim());
      if (first.trim() === '' || !Number.isFinite(n)) throw new OptionsError(`${field.name}: "${first}" is not a number`);
      return n;
    }
    case 'checkbox':
      return values.some((v) => ['on', 'true', '1', 'yes'].includes(v.toLowerCase()));
    case 'select':
      return field.multiple ? values : first;
  }
}

function checkField(field: FormField, value: unknown): unknown {
  const where = field.label ?? field.name;
  switch (field.type) {
    case 'text':
      if (typeof value !== 'string') throw new OptionsError(`${where}: expected text`);
      // A person reads the field's help, not its regex; a field without help has only its pattern to say it.
      if (field.pattern && !new RegExp(`^(?:${field.pattern})$`).test(value)) {
        throw new OptionsError(`${where}: "${value}" does not match ${field.help ? `the expected form (${field.help})` : field.pattern}`);
      }
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new OptionsError(`${where}: expected a number`);
      if (field.integer && !Number.isInteger(value)) throw new OptionsError(`${where}: expected a whole number`);
      if (field.min !== undefined && value < field.min) throw new OptionsError(`${where}: ${value} is below the minimum ${field.min}`);
      if (field.max !== undefined && value > field.max) throw new OptionsError(`${where}: ${value} is above the maximum ${field.max}`);
      return value;
    case 'checkbox':
      if (typeof value !== 'boolean') throw new OptionsError(`${where}: expected true or false`);
      return value;
    case 'select': {
      const allowed = new Set(field.choices.map((c) => c.value));
      const picked = field.multiple ? value : [value];
      if (!Array.isArray(picked) || !picked.every((v) => typeof v === 'string' && allowed.has(v))) {
        throw new OptionsError(`${where}: choose from ${[...allowed].join(', ')}`);
      }
      return value;
    }
  }
}

/** CLI `-o KEY=VALUE` pairs become form data, so they are coerced exactly like a submitted form. */
export function formDataFromPairs(pairs: string[]): Record<string, string[]> {
  const data: Record<string, string[]> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new OptionsError(`option "${pair}" is not KEY=VALUE`);
    const key = pair.slice(0, eq);
    (data[key] ??= []).push(pair.slice(eq + 1));
  }
  return data;
}
