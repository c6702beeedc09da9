// Starting a server: pick a system, fill in its options (the last ones used are filled in), optionally name the
// server, and start. The view then follows the start on the server's own page.
import { useEffect, useMemo, useState } from 'react';
import { ServerName, type SystemInfo } from '../../../shared/api.js';
import { ErrorAlert } from '../components/error-alert.js';
import { HubUnreachableNote, useHubAccess } from '../components/hub-unreachable.js';
import { Field } from '../components/field.js';
import { errorMessage } from '../bridge/errors.js';
import { checkValues, initialValues, type FormValues } from '../lib/form-values.js';
import { moveRadioFocus } from '../lib/radio-keys.js';
import { href, navigate } from '../lib/route.js';
import { systemUse, type SystemUse } from '../lib/system-use.js';
import { useHub } from '../state/hub-context.js';
import { OptionsForm } from './options-form.js';
import { Presets } from './presets.js';

export function StartView({ systemName }: { systemName?: string }) {
  const { state, bridge, dispatch, report } = useHub();
  const systems = state.systems;
  // Fetched afresh whenever the view opens: a form's choices may carry live availability (an Outpost's flavors).
  useEffect(() => {
    bridge.call('listSystems', {}).then((fresh) => dispatch({ type: 'systems', systems: fresh }), report);
  }, [bridge, dispatch, report]);
  if (systems === null) return <p className="view">Loading…</p>;
  if (systems.length === 0) {
    return (
      <section className="view">
        <h2>Start a server</h2>
        <p>
          No system is set up yet. <a href={href({ view: 'add-system', kind: 'ssh' })}>Add an SSH host</a>.
        </p>
      </section>
    );
  }
  const servers = Object.values(state.servers);
  // No system in the address: the one used last, as a person usually starts again where they started before.
  const wanted = systemName ?? systems.find((s) => s.lastUsed)?.name;
  const system = systems.find((s) => s.name === wanted) ?? (systems.length === 1 ? systems[0] : undefined);
  return (
    <section className="view" aria-labelledby="start-title">
      <h2 id="start-title">Start a server</h2>
      {/* Arrow keys look through the systems; Space or a click opens one (see lib/radio-keys.ts). */}
      <fieldset className="system-picker" onKeyDown={moveRadioFocus}>
        <legend>System</legend>
        {systems.map((s) => (
          <label key={s.name} className={s === system ? 'system-option selected' : 'system-option'}>
            <input type="radio" name="system" value={s.name} checked={s === system} onChange={() => navigate({ view: 'start', system: s.name })} />
            <span className="system-title">
              <span className="system-name">{s.name}</span>
              <SystemUseNote use={systemUse(servers, s.name)} />
            </span>
            <span className="help">{s.description}</span>
          </label>
        ))}
      </fieldset>
      {/* Keyed by system and its fields: another system, or fields changed in config.json, start from their own
          values; new choices or availability alone keep what the person has filled in. */}
      {system ? <StartForm key={[system.name, ...system.form.fields.map((f) => `${f.name}:${f.type}`)].join('\n')} system={system} /> : <p className="help">Choose where to start JupyterLab.</p>}
    </section>
  );
}

function SystemUseNote({ use }: { use: SystemUse }) {
  if (use.active > 0) return <span className="chip chip-running system-use">{use.active === 1 ? 'has 1 server' : `has ${use.active} servers`}</span>;
  if (use.failedLast) return <span className="chip chip-failed system-use">failed last time</span>;
  return null;
}

function StartForm({ system }: { system: SystemInfo }) {
  const { bridge } = useHub();
  const access = useHubAccess();
  const [values, setValues] = useState<FormValues>(() => initialValues(system.form, system.lastOptions));
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const { options, errors } = useMemo(() => checkValues(system.form, values), [system.form, values]);
  const nameCheck = name.trim() === '' ? null : ServerName.safeParse(name.trim());
  const nameError = nameCheck && !nameCheck.success ? nameCheck.error.issues[0]?.message : undefined;
  const valid = Object.keys(errors).length === 0 && !nameError;

  const start = () => {
    setStarting(true);
    setError(null);
    bridge.call('start', { system: system.name, options, ...(name.trim() ? { name: name.trim() } : {}) }).then(
      (server) => navigate({ view: 'server', name: server.name }),
      (e: unknown) => {
        setError(errorMessage(e));
        setStarting(false);
      },
    );
  };

  return (
    <form
      className="start-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (valid && !starting && !access.blocked) start();
      }}
    >
      <OptionsForm form={system.form} values={values} errors={errors} onChange={(field, value) => setValues((v) => ({ ...v, [field]: value }))} />
      {system.form.fields.length > 0 ? (
        <Presets system={system} options={valid ? options : null} onLoad={(preset) => setValues(initialValues(system.form, preset))} />
      ) : null}
      <Field label="Server name (optional)" help="Leave empty for a name made from the system's." error={nameError}>
        {(control) => <input {...control} type="text" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />}
      </Field>
      {error ? <ErrorAlert text={error} /> : null}
      {/* Stays at the window's bottom edge while the form scrolls: the Start is never a scroll away. */}
      <div className="form-actions sticky-actions">
        <HubUnreachableNote />
        <button type="submit" className="primary" disabled={!valid || starting || access.blocked} title={access.title()}>
          {starting ? 'Starting…' : `Start on ${system.name}`}
        </button>
      </div>
    </form>
  );
}
