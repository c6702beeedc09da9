// An error as a short alert: its first line (the cause, as every hubtray error starts) clamped to a few lines, the
// rest behind "Details". In a 420 px tray popup a raw error of thirty lines would push everything else off the window.
import './error-alert.css';

/** First lines longer than this are shown clamped, with the whole of them under Details. */
const LONG_FIRST_LINE = 160;

export function ErrorAlert({ text }: { text: string }) {
  const [cause = '', ...rest] = text.split('\n');
  const more = rest.join('\n').trim();
  const long = cause.length > LONG_FIRST_LINE;
  return (
    <div className="alert alert-error error-alert" role="alert">
      <p className="error-cause">{cause}</p>
      {more || long ? (
        <details className="error-details">
          <summary>Details</summary>
          <pre>{long ? text : more}</pre>
        </details>
      ) : null}
    </div>
  );
}
