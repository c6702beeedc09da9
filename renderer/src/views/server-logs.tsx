// The server's own output (Jupyter's log on its host), followed as it grows: the newest part first, newest at the
// bottom, kept scrolled there unless the person scrolled up to read; "Load earlier" brings back what is above.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useHubAccess } from '../components/hub-unreachable.js';
import { useHub } from '../state/hub-context.js';
import { errorMessage } from '../bridge/errors.js';
import { emptyLogView, viewStart, viewText, withChunk, withEarlier, type LogView } from '../lib/log-view.js';

/** How close to the bottom (px) still counts as "at the bottom": the view follows new lines from there. */
const BOTTOM_SLACK_PX = 24;

export function ServerLogs({ name }: { name: string }) {
  const { bridge } = useHub();
  const access = useHubAccess();
  const [following, setFollowing] = useState(false);
  const [view, setView] = useState<LogView>(emptyLogView);
  const [error, setError] = useState<string | null>(null);
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  const pre = useRef<HTMLPreElement>(null);
  const atBottom = useRef(true);
  /** The scroll height before "load earlier" added text above, to keep the same lines in sight. */
  const heightBeforeEarlier = useRef<number | null>(null);

  useEffect(() => {
    if (!following) return;
    // The first piece of a follow does not carry on from anything shown before: it replaces the view.
    return bridge.followLog(name, (chunk) => setView((current) => withChunk(current, chunk)), setError);
  }, [bridge, name, following]);

  useLayoutEffect(() => {
    const element = pre.current;
    if (!element) return;
    if (heightBeforeEarlier.current !== null) {
      element.scrollTop += element.scrollHeight - heightBeforeEarlier.current;
      heightBeforeEarlier.current = null;
    } else if (atBottom.current) element.scrollTop = element.scrollHeight;
  }, [view]);

  const toggle = () => {
    if (!following) {
      setView(emptyLogView);
      setError(null);
      atBottom.current = true;
    }
    setFollowing(!following);
  };
  const loadEarlier = () => {
    setLoadingEarlier(true);
    bridge
      .call('earlierLog', { name, before: viewStart(view) })
      .then(
        (chunk) => {
          heightBeforeEarlier.current = pre.current?.scrollHeight ?? null;
          setView((current) => withEarlier(current, chunk));
        },
        (e: unknown) => setError(errorMessage(e)),
      )
      .finally(() => setLoadingEarlier(false));
  };
  const text = viewText(view);
  return (
    <section className="logs" aria-labelledby="logs-title">
      <div className="section-head">
        <h3 id="logs-title">Server log</h3>
        {/* Hiding asks nothing of hubtray: only a new follow waits for it. */}
        <button type="button" onClick={toggle} disabled={!following && access.blocked} title={following ? undefined : access.title()}>
          {following ? 'Hide log' : 'Show log'}
        </button>
      </div>
      {error ? <p className="alert alert-error">{error}</p> : null}
      {following ? (
        <>
          {viewStart(view) > 0 ? (
            <button type="button" className="log-earlier" onClick={loadEarlier} disabled={loadingEarlier || access.blocked} title={access.title()}>
              Load earlier
            </button>
          ) : null}
          <pre
            ref={pre}
            className="log-text"
            tabIndex={0}
            aria-label={`Log of ${name}`}
            onScroll={(event) => {
              const element = event.currentTarget;
              atBottom.current = element.scrollTop + element.clientHeight >= element.scrollHeight - BOTTOM_SLACK_PX;
            }}
          >
            {text || (view.pieces.length === 0 ? 'Reading the log…' : '(empty)')}
          </pre>
          <p className="log-status" role="status">
            {view.note ?? (view.ended ? '' : 'Following: new lines appear at the bottom.')}
          </p>
        </>
      ) : null}
    </section>
  );
}
