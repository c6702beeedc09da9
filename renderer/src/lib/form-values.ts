// The options form's values as the inputs hold them (text, a tick, picked choices), and the typed options they
// stand for. Each field is checked on its own with the same checkOptions the Hub runs, so the inline message is
// exactly the error a start would get, shown next to the field that causes it.
import { checkOptions, type FormField, type FormSchema, type UserOptions } from '../../../shared/forms.js';
import { errorMessage } from '../../../shared/error-message.js';

export type FieldValue = string | boolean | string[];
export type FormValues = Record<string, FieldValue>;

/** Where each field starts: the given options (the last used, or a preset) where they fit the form, else its default. */
export function initialValues(form: FormSchema, options: Record<string, unknown>): FormValues {
  return Object.fromEntries(form.fields.map((field) => [field.name, inputValue(field, options[field.name] ?? field.default)]));
}

function inputValue(field: FormField, value: unknown): FieldValue {
  switch (field.type) {
    case 'text':
      return typeof value === 'string' ? value : '';
    case 'number':
      return typeof value === 'number' ? String(value) : '';
    case 'checkbox':
      return value === true;
    case 'select':
      if (field.multiple) return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
      return typeof value === 'string' ? value : (field.choices[0]?.value ?? '');
  }
}

export interface CheckedValues {
  options: UserOptions;
  /** Per field name, what is wrong with it. */
  errors: Record<string, string>;
}

export function checkValues(form: FormSchema, values: FormValues): CheckedValues {
  const options: UserOptions = {};
  const errors: Record<string, string> = {};
  for (const field of form.fields) {
    const value = typedValue(field, values[field.name]);
    // An empty number is left out, so the form's default (if any) applies, as in JupyterHub.
    if (value === undefined) continue;
    try {
      options[field.name] = checkOptions({ fields: [field] }, { [field.name]: value })[field.name];
    } catch (error) {
      // The Hub's message starts with the field's label, which the inline message sits right under.
      errors[field.name] = errorMessage(error).replace(`${field.label ?? field.name}: `, '');
    }
  }
  return { options, errors };
}

function typedValue(field: FormField, value: FieldValue | undefined): unknown {
  if (field.type !== 'number') return value;
  const text = typeof value === 'string' ? value.trim() : '';
  return text === '' ? undefined : Number(text);
}
