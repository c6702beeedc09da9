// The start's progress: the native element, so assistive technology announces it without extra roles.
export function Progress({ value, label }: { value: number; label: string }) {
  return (
    <div className="progress-row">
      <progress max={100} value={value} aria-label={label} />
      <span className="progress-value">{Math.round(value)}%</span>
    </div>
  );
}
