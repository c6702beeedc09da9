// Stop, which asks first only when the server's kernels are running code (the rule is shared/stop-question.ts, which
// the tray and `hubtray stop` follow too).
import { useEffect, useEffectEvent, useState } from 'react';
import type { KernelActivity, ServerInfo } from '../../../shared/api.js';
import { busyKernels, stopWarning } from '../../../shared/stop-question.js';
import { Modal } from '../components/modal.js';
import { href, useRoute } from '../lib/route.js';
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
      const kernels = await busyKernels(server.status, () => bridge.call('kernels', { name }));
      if (kernels) setAsking(kernels);
      else await stop();
    });
  // The tray's Stop opens this page to ask (electron/core/desktop/tray-stop.ts): ask once, as a click would, and
  // leave the route plain so that a reload does not ask again.
  const route = useRoute();
  const askedByTray = route.view === 'server' && route.name === name && route.confirmStop === true;
  const askForTray = useEffectEvent(() => {
    window.history.replaceState(null, '', href({ view: 'server', name }));
    click();
  });
  useEffect(() => {
    if (askedByTray) askForTray();
  }, [askedByTray]);
  return (
    <>
      <button type="button" disabled={server.status === 'stopping' || disabled} title={title} aria-label={`Stop ${name}`} onClick={click}>
        {server.status === 'stopping' || busy ? 'Stopping…' : 'Stop'}
      </button>
      {asking ? (
        <Modal title={`Stop ${name}?`} onClose={() => setAsking(null)}>
          <p>
            {stopWarning(name, asking)}
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
