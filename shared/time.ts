/** A peer's ISO 8601 time (JupyterHub's and Jupyter's last_activity), or null when absent or not a time. */
export function parseTime(text: string | null | undefined): Date | null {
  if (!text) return null;
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? null : time;
}
