// How long a server has been up, ticking once a second on its own: only this text re-renders, not the list.
import { useEffect, useState } from 'react';
import { formatDuration } from '../lib/time.js';

export function Uptime({ since }: { since: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  return <span className="uptime">up {formatDuration(now - Date.parse(since))}</span>;
}
