// Things to tell the person that belong to no view: the Hub's notices and actions that failed.
import { useHub } from '../state/hub-context.js';

export function Notices() {
  const { state, dispatch } = useHub();
  return (
    <div className="notices" role="status" aria-live="polite">
      {state.notices.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.level}`}>
          <span>{notice.message}</span>
          <button type="button" aria-label="Dismiss" onClick={() => dispatch({ type: 'dismiss', id: notice.id })}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
