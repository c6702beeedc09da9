// Adding or editing one system. Fields are checked as they are typed with config.json's own schema; "Test
// connection" tries the settings as they are, before they are saved; Save writes config.json and the Hub applies it.
import { useEffect, useId, useMemo, useState } from 'react';
import type { ConnectionReport } from '../../../shared/api.js';
import { Field } from '../components/field.js';
import { HubUnreachableNote, useHubAccess } from '../components/hub-unreachable.js';
import { errorMessage } from '../bridge/errors.js';
import { checkDraft, draftFrom, kindToAdd, type Draft } from '../lib/system-draft.js';
import { kindDescriptor } from '../../../shared/kinds/registry.js';
import { href, navigate } from '../lib/route.js';
import { useHub } from '../state/hub-context.js';
import { useSystemSettings } from './systems-view.js';

export function SystemEditor({ editing, kind }: { editing?: string; kind?: string }) {
  const { settings, error } = useSystemSettings();
  if (error) return <p className="view alert alert-error">{error}</p>;
  if (!settings) return <p className="view">Loading…</p>;
  const existing = editing !== undefined ? settings.systems[editing] : undefined;
  if (editing !== undefined && !existing) {
    return (
      <section className="view">
        <h2>No system named {editing}</h2>
        <a href={href({ view: 'systems' })}>All systems</a>
      </section>
    );
  }
  const initial = draftFrom(editing ?? '', existing ?? { kind: kind ?? 'ssh' });
  const taken = Object.keys(settings.systems).filter((name) => name !== editing);
  return <EditorForm key={editing ?? `new-${initial.kind}`} initial={initial} editing={editing} taken={taken} />;
}

interface EditorFormProps {
  initial: Draft;
  editing: string | undefined;
  taken: string[];
}

function EditorForm({ initial, editing, taken }: EditorFormProps) {
  const { bridge } = useHub();
  const access = useHubAccess();
  const [draft, setDraft] = useState(initial);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [test, setTest] = useState<ConnectionReport | 'testing' | null>(null);
  const { settings, errors } = useMemo(() => checkDraft(draft, taken), [draft, taken]);
  // A field's error shows once it was changed, or after a try to save: an empty new form is not a wall of red.
  const shown = (key: string) => (touched.has(key) || touched.has('*') ? errors[key] : undefined);
  const update = (key: string, patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setTouched((t) => new Set([...t, key]));
  };
  const fields = kindDescriptor(draft.kind)?.editorFields ?? [];
  const aliases = useSshAliases(fields.some((f) => f.key === 'host'));
  const aliasList = useId();

  const save = () => {
    setTouched(new Set(['*']));
    if (!settings) return;
    setSaving(true);
    setFailure(null);
    bridge.call('saveSystem', { name: draft.name, settings, ...(editing !== undefined ? { previous: editing } : {}) }).then(
      () => navigate({ view: 'systems' }),
      (e: unknown) => {
        setSaving(false);
        setFailure(errorMessage(e));
      },
    );
  };
  const runTest = () => {
    setTouched(new Set(['*']));
    if (!settings) return;
    setTest('testing');
    bridge.call('testConnection', { settings }).then(setTest, (e: unknown) => setTest({ ok: false, message: errorMessage(e) }));
  };

  return (
    <section className="view" aria-labelledby="editor-title">
      <p className="breadcrumb">
        <a href={href({ view: 'systems' })}>Systems</a> ›
      </p>
      <h2 id="editor-title">{editing !== undefined ? `Edit ${editing}` : `Add ${kindToAdd(draft.kind)}`}</h2>
      <form
        className="editor-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!saving && !access.blocked) save();
        }}
      >
        <Field label="Name" help="How the system is listed, e.g. the cluster's name." error={shown('name')}>
          {(control) => <input {...control} type="text" required value={draft.name} onChange={(e) => update('name', { name: e.target.value })} autoFocus={editing === undefined} />}
        </Field>
        <Field label="Description (optional)" help="Shown next to the name when starting a server.">
          {(control) => <input {...control} type="text" value={draft.description} onChange={(e) => update('description', { description: e.target.value })} />}
        </Field>
        {fields.map((field) => (
          <Field key={field.key} label={field.label} help={field.help} error={shown(field.key)}>
            {(control) => (
              <input
                {...control}
                type={field.type === 'number' ? 'number' : 'text'}
                placeholder={field.placeholder}
                list={field.key === 'host' && aliases.length > 0 ? aliasList : undefined}
                autoComplete={field.key === 'host' ? 'off' : undefined}
                value={draft.fields[field.key] ?? ''}
                spellCheck={false}
                onChange={(e) => update(field.key, { fields: { ...draft.fields, [field.key]: e.target.value } })}
              />
            )}
          </Field>
        ))}
        {aliases.length > 0 ? (
          <datalist id={aliasList} data-testid="ssh-aliases">
            {aliases.map((alias) => (
              <option key={alias} value={alias} />
            ))}
          </datalist>
        ) : null}
        <details className="advanced" open={Boolean(shown('advanced')) || undefined}>
          <summary>Advanced settings (JSON)</summary>
          <Field
            label="Other settings"
            help='Any other setting of config.json for this system, e.g. {"options_form": {"fields": […]}, "apply_user_options": {…}, "environment": {…}}.'
            error={shown('advanced')}
          >
            {(control) => (
              <textarea {...control} rows={8} spellCheck={false} value={draft.advanced} onChange={(e) => update('advanced', { advanced: e.target.value })} />
            )}
          </Field>
        </details>
        {failure ? (
          <p className="alert alert-error" role="alert">
            {failure}
          </p>
        ) : null}
        <p className={test && test !== 'testing' ? (test.ok ? 'test-result ok' : 'test-result failed') : 'test-result'} role="status">
          {test === 'testing' ? 'Testing… (answer any password prompt that appears)' : test?.message}
        </p>
        <div className="form-actions">
          <HubUnreachableNote />
          <a className="button" href={href({ view: 'systems' })}>
            Cancel
          </a>
          <button type="button" onClick={runTest} disabled={test === 'testing' || access.blocked} title={access.title()}>
            Test connection
          </button>
          <button type="submit" className="primary" disabled={saving || access.blocked} title={access.title()}>
            {saving ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The Host aliases of the user's ssh config, offered in the Host field as VS Code offers them; none if they cannot be read. */
function useSshAliases(wanted: boolean): string[] {
  const { bridge } = useHub();
  const [aliases, setAliases] = useState<string[]>([]);
  useEffect(() => {
    if (!wanted) return;
    let current = true;
    bridge.call('sshHostAliases', {}).then(
      (found) => {
        if (current) setAliases(found);
      },
      // A hub that cannot list them (or an older one) leaves the field a plain text field.
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [bridge, wanted]);
  return wanted ? aliases : [];
}
