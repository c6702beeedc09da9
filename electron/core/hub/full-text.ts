// What a server's progress messages and reasons said in full, for `hubtray logs NAME --events`. Faces, state.json and
// hub.log get them cut to a few KB (shared/text.ts); this keeps more, yet bounded, since a hostile peer can send an
// endless stream: the oldest lines go first.

const MAX_CHARS = 1024 * 1024;

export class FullText {
  private readonly lines: string[] = [];
  private chars = 0;

  add(line: string): void {
    const kept = line.length > MAX_CHARS ? `${line.slice(0, MAX_CHARS)}… (${line.length - MAX_CHARS} more characters left out)` : line;
    this.lines.push(`${new Date().toISOString()} ${kept}`);
    this.chars += kept.length;
    while (this.chars > MAX_CHARS && this.lines.length > 1) this.chars -= (this.lines.shift() as string).length;
  }

  text(): string {
    return this.lines.length ? `${this.lines.join('\n')}\n` : '';
  }
}
