// Named option sets for a system: load one into the form, save the form as one, or delete one. The Hub checks a
// preset against the form when it is saved, so loading one always gives a valid form.
import { useState } from 'react';
import type { SystemInfo } from '../../../shared/api.js';
import type { UserOptions } from '../../../shared/forms.js';
import { Field } from '../components/field.js';
import { useHubAccess } from '../components/hub-unreachable.js';
import { errorMessage } from '../bridge/errors.js';
import { useHub } from '../state/hub-context.js';

interface PresetsProps {
  system: SystemInfo;
  /** The form's current options, or null while the form has errors. */
  options: UserOptions | null;
  onLoad: (options: Record<string, unknown>) => void;
}

export function Presets({ system, options, onLoad }: PresetsProps) {
  const { bridge } = useHub();
  const access = useHubAccess();
  const names = Object.keys(system.presets);
  const [picked, setPicked] = useState('');
  const [newName, setNewName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState<string | undefined>();
  const selected = names.includes(picked) ? picked : '';

  const save = () => {
    if (!options) return;
    const name = newName.trim();
    bridge.call('savePreset', { system: system.name, preset: name, options }).then(
      () => {
        setError(undefined);
        setSaved(`Saved preset "${name}".`);
        setNewName('');
        setPicked(name);
      },
      (e: unknown) => setError(errorMessage(e)),
    );
  };
  const remove = () => {
    bridge.call('deletePreset', { system: system.name, preset: selected }).then(
      () => {
        setPicked('');
        setSaved(`Deleted preset "${selected}".`);
      },
      (e: unknown) => setError(errorMessage(e)),
    );
  };

  return (
    <fieldset className="presets">
      <legend>Presets</legend>
      <div className="row">
        <Field label="Preset" help={names.length === 0 ? 'None saved yet for this system.' : undefined}>
          {(control) => (
            <select {...control} value={selected} disabled={names.length === 0} onChange={(e) => setPicked(e.target.value)}>
              <option value="">Choose a preset…</option>
              {names.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="button" disabled={!selected} onClick={() => onLoad(system.presets[selected] ?? {})}>
          Load
        </button>
        <button type="button" disabled={!selected || access.blocked} title={access.title()} onClick={remove}>
          Delete
        </button>
      </div>
      <div className="row">
        <Field label="Save these options as" error={error}>
          {(control) => <input {...control} type="text" maxLength={64} value={newName} onChange={(e) => setNewName(e.target.value)} placeholder="e.g. big GPU job" />}
        </Field>
        <button type="button" disabled={!options || newName.trim() === '' || access.blocked} title={access.title()} onClick={save}>
          Save preset
        </button>
      </div>
      <p className="status-line" role="status">
        {saved}
      </p>
    </fieldset>
  );
}
