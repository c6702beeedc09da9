// A system's options form, rendered from its schema: select (one or several), number (with its bounds), text
// (with its pattern) and checkbox. Errors show under their field as the person types.
import type { FormField, FormSchema } from '../../../shared/forms.js';
import { Field } from '../components/field.js';
import type { FieldValue, FormValues } from '../lib/form-values.js';

interface OptionsFormProps {
  form: FormSchema;
  values: FormValues;
  errors: Record<string, string>;
  onChange: (name: string, value: FieldValue) => void;
}

export function OptionsForm({ form, values, errors, onChange }: OptionsFormProps) {
  if (form.fields.length === 0) return <p className="help">This system has no options.</p>;
  return (
    <fieldset className="options">
      <legend>Options</legend>
      {form.fields.map((field) => (
        <OptionField key={field.name} field={field} value={values[field.name]} error={errors[field.name]} onChange={(value) => onChange(field.name, value)} />
      ))}
    </fieldset>
  );
}

function OptionField({ field, value, error, onChange }: { field: FormField; value: FieldValue | undefined; error?: string; onChange: (value: FieldValue) => void }) {
  const label = field.label ?? field.name;
  switch (field.type) {
    case 'checkbox':
      return (
        <Field label={label} help={field.help} error={error} inline>
          {(control) => <input {...control} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />}
        </Field>
      );
    case 'number':
      return (
        <Field label={label} help={field.help ?? bounds(field.min, field.max)} error={error}>
          {(control) => (
            <input
              {...control}
              type="number"
              inputMode={field.integer ? 'numeric' : 'decimal'}
              min={field.min}
              max={field.max}
              step={field.integer ? 1 : 'any'}
              value={typeof value === 'string' ? value : ''}
              onChange={(e) => onChange(e.target.value)}
            />
          )}
        </Field>
      );
    case 'text':
      return (
        <Field label={label} help={field.help} error={error}>
          {(control) => <input {...control} type="text" value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)} />}
        </Field>
      );
    case 'select': {
      const choices = field.choices.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label ?? c.value}
        </option>
      ));
      return (
        <Field label={label} help={field.help} error={error}>
          {(control) =>
            field.multiple ? (
              <select {...control} multiple value={Array.isArray(value) ? value : []} onChange={(e) => onChange([...e.target.selectedOptions].map((o) => o.value))}>
                {choices}
              </select>
            ) : (
              <select {...control} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)}>
                {choices}
              </select>
            )
          }
        </Field>
      );
    }
  }
}

function bounds(min: number | undefined, max: number | undefined): string | undefined {
  if (min !== undefined && max !== undefined) return `From ${min} to ${max}.`;
  if (min !== undefined) return `At least ${min}.`;
  if (max !== undefined) return `At most ${max}.`;
  return undefined;
}
