// The start's events as they arrive. html_message is remote HTML and is only ever shown sanitized. The log has a
// fixed height and follows new events only while the reader is at its end, so scrolling back is not undone. Each
// event shows when hubtray heard it.
import { useLayoutEffect, useMemo, useRef } from 'react';
import type { ProgressEvent } from '../../../shared/api.js';
import { createSanitizer } from '../lib/sanitize.js';
import { formatClock } from '../lib/time.js';
import '../components/times.css';

export function EventLog({ events }: { events: ProgressEvent[] }) {
  const sanitize = useMemo(() => createSanitizer(window), []);
  const ref = useRef<HTMLOListElement>(null);
  const atEnd = useRef(true);
  useLayoutEffect(() => {
    const list = ref.current;
    if (list && atEnd.current) list.scrollTop = list.scrollHeight;
  }, [events.length]);
  return (
    <ol
      ref={ref}
      className="event-log"
      aria-label="Start events"
      aria-live="polite"
      tabIndex={0}
      onScroll={(e) => {
        const list = e.currentTarget;
        atEnd.current = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
      }}
    >
      {events.map((event, index) => (
        <li key={index} className={event.failed ? 'event event-failed' : event.ready ? 'event event-ready' : 'event'}>
          {event.time ? (
            <time className="event-time" dateTime={event.time} title={new Date(event.time).toLocaleString()}>
              {formatClock(event.time)}
            </time>
          ) : null}
          <span className="event-progress">{Math.round(event.progress)}%</span>
          {event.html_message ? (
            <span className="event-message" dangerouslySetInnerHTML={{ __html: sanitize(event.html_message) }} />
          ) : (
            <span className="event-message">{event.message}</span>
          )}
        </li>
      ))}
    </ol>
  );
}
