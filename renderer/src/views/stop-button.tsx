// Stop, which asks first only when the server's kernels are running code: stopping then ends work under way, as
// JupyterLab's own shutdown warns. A server that is idle, or that cannot say (an error, no kernels API), stops at once:
// a question that cannot be answered must not stand between the user and a Stop.
import { useState } from 'react';
import type { KernelActivity, ServerInfo } from '../../../shared/api.js';
import { Modal } from '../components/modal.js';
import { useHub } from '../state/hub-context.js';

interface StopButtonProps {
  server: ServerInfo;
  disabled: boolean;
  /** Why it is disabled, when that is not plain to see (hubtray cannot be reached). */
  title?: string;
  busy: boolean;
  /** Runs the stop as the other actions run theirs (disabled while under way, errors reported). */
  run: (work: () => Promise<unknown>) => void;
}

export function StopButton({ server, disabled, title, busy, run }: StopButtonProps) {
  const { bridge } = useHub();
  const [asking, setAsking] = useState<KernelActivity | null>(null);
  const { name } = server;
  const stop = () => bridge.call('stop', { name });
  const click = () =>
    run(async () => {
      const kernels = server.status === 'running' ? await bridge.call('kernels', { name }).catch(() => null) : null;
      if (kernels && kernels.busy > 0) setAsking(kernels);
      else await stop();
    });
  return (
    <>
      <button type="button" disabled={server.status === 'stopping' || disabled} title={title} aria-label={`Stop ${name}`} onClick={click}>
        {server.status === 'stopping' || busy ? 'Stopping…' : 'Stop'}
      </button>
      {asking ? (
        <Modal title={`Stop ${name}?`} onClose={() => setAsking(null)}>
          <p>
            {asking.busy === 1 ? 'A kernel is' : `${asking.busy} kernels are`} running code right now
            {asking.total > asking.busy ? ` (of ${asking.total})` : ''}. Stopping {name} ends {asking.busy === 1 ? 'it' : 'them'}: what is not
            saved is lost.
          </p>
          <div className="form-actions">
            <button type="button" onClick={() => setAsking(null)} autoFocus>
              Keep running
            </button>
            <button
              type="button"
              className="primary"
              // hubtray may have gone while the question was open.
              disabled={disabled}
              title={title}
              onClick={() => {
                setAsking(null);
                run(stop);
              }}
            >
              Stop anyway
            </button>
          </div>
        </Modal>
      ) : null}
    </>
  );
}
