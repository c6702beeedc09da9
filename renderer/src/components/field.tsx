// A labelled form control with its help and its inline error. The error line keeps its height when empty, so
// the form does not jump as a person types; the control is tied to both texts for screen readers.
import { useId, type ReactNode } from 'react';

export interface ControlProps {
  id: string;
  'aria-describedby': string;
  'aria-invalid': boolean;
}

interface FieldProps {
  label: string;
  help?: string;
  error?: string;
  children: (control: ControlProps) => ReactNode;
  /** A checkbox reads best with its label after it. */
  inline?: boolean;
}

export function Field({ label, help, error, children, inline }: FieldProps) {
  const id = useId();
  const control: ControlProps = { id, 'aria-describedby': `${id}-help ${id}-error`, 'aria-invalid': Boolean(error) };
  return (
    <div className={inline ? 'field field-inline' : 'field'}>
      {inline ? (
        <>
          {children(control)}
          <label htmlFor={id}>{label}</label>
        </>
      ) : (
        <>
          <label htmlFor={id}>{label}</label>
          {children(control)}
        </>
      )}
      <p id={`${id}-help`} className="help">
        {help}
      </p>
      <p id={`${id}-error`} className="field-error" aria-live="polite">
        {error}
      </p>
    </div>
  );
}
