// The systems settings: what is configured, in config.json's order, with ways to add, edit, remove, and to
// re-read the file after a hand edit.
import { useEffect, useState } from 'react';
import type { SystemSettings } from '../../../shared/api.js';
import { ErrorAlert } from '../components/error-alert.js';
import { HubUnreachableNote, useHubAccess } from '../components/hub-unreachable.js';
import { errorMessage } from '../bridge/errors.js';
import { addableKinds, kindLabel } from '../lib/system-draft.js';
import { href } from '../lib/route.js';
import { addressText } from '../lib/system-use.js';
import { useHub } from '../state/hub-context.js';

export function useSystemSettings(): { settings: SystemSettings | null; error: string | null } {
  const { bridge, state } = useHub();
  const [settings, setSettings] = useState<SystemSettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Re-read whenever the Hub says the systems changed, whoever changed them.
  useEffect(() => {
    let current = true;
    bridge.call('getSystemSettings', {}).then(
      (s) => current && (setSettings(s), setError(null)),
      (e: unknown) => current && setError(errorMessage(e)),
    );
    return () => {
      current = false;
    };
  }, [bridge, state.systems]);
  return { settings, error };
}

export function SystemsView() {
  const { bridge, state, report } = useHub();
  const { settings, error } = useSystemSettings();
  const access = useHubAccess();
  const [status, setStatus] = useState('');

  const remove = (name: string) => {
    if (!window.confirm(`Remove "${name}" from config.json? Servers already stopped on it stay listed.`)) return;
    bridge.call('removeSystem', { name }).then(() => setStatus(`Removed ${name}.`), report);
  };
  const reload = () => {
    bridge.call('reloadConfig', {}).then(() => setStatus('config.json was read again.'), report);
  };

  return (
    <section className="view" aria-labelledby="systems-title">
      <div className="section-head">
        <h2 id="systems-title">Systems</h2>
        <HubUnreachableNote />
      </div>
      <nav className="actions add-system" aria-label="Add a system">
        {addableKinds.map(({ kind, add }, index) => (
          <a key={kind} className={index === 0 ? 'button primary' : 'button'} href={href({ view: 'add-system', kind })}>
            Add {add}
          </a>
        ))}
      </nav>
      {error ? <ErrorAlert text={error} /> : null}
      <ul className="cards" aria-label="Systems">
        {(state.systems ?? []).map((system) => (
          <li key={system.name} className="card system-card" data-system={system.name}>
            <div className="card-head">
              <h3>{system.name}</h3>
              <span className="chip">{kindLabel(system.kind)}</span>
              {settings?.embedded.includes(system.name) ? <span className="chip">built in</span> : null}
              <div className="actions">
                <a className="button" href={href({ view: 'start', system: system.name })} aria-label={`Start a server on ${system.name}`}>
                  Start
                </a>
                <a className="button" href={href({ view: 'edit-system', name: system.name })} aria-label={`Edit ${system.name}`}>
                  Edit
                </a>
                <button type="button" onClick={() => remove(system.name)} aria-label={`Remove ${system.name}`} disabled={settings?.embedded.includes(system.name) || access.blocked} title={access.title()}>
                  Remove
                </button>
              </div>
            </div>
            <p className="meta">{system.description}</p>
            {system.address ? (
              <p className="meta system-address" title="Where its SSH login goes, as your ssh config resolves it">
                {addressText(system.address)}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
      {state.systems?.length === 0 ? <p className="empty">No systems yet.</p> : null}
      <div className="section-foot">
        <p className="help">
          Saved in <code>{settings?.file ?? 'config.json'}</code>. Running servers keep the settings they started with.
        </p>
        <button type="button" onClick={reload} disabled={access.blocked} title={access.title()}>
          Reload config.json
        </button>
      </div>
      <p className="status-line" role="status">
        {status}
      </p>
    </section>
  );
}
