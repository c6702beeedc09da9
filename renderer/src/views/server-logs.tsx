// The server's own output (Jupyter's log on its host), read on request: it is read over SSH each time.
import { useState } from 'react';
import { useHub } from '../state/hub-context.js';
import { errorMessage } from '../bridge/errors.js';

export function ServerLogs({ name }: { name: string }) {
  const { bridge } = useHub();
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const load = () => {
    setLoading(true);
    bridge
      .call('logs', { name })
      .then(
        (logs) => {
          setText(logs.text);
          setError(null);
        },
        (e: unknown) => setError(errorMessage(e)),
      )
      .finally(() => setLoading(false));
  };
  return (
    <section className="logs" aria-labelledby="logs-title">
      <div className="section-head">
        <h3 id="logs-title">Server log</h3>
        <button type="button" onClick={load} disabled={loading}>
          {text === null ? 'Show log' : 'Refresh log'}
        </button>
      </div>
      {error ? <p className="alert alert-error">{error}</p> : null}
      {text !== null ? (
        <pre className="log-text" tabIndex={0} aria-label={`Log of ${name}`}>
          {text || '(empty)'}
        </pre>
      ) : null}
    </section>
  );
}
