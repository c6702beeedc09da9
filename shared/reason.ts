// A server's reason (why it failed, ended or is lost) is one text for every face, read in three parts: its first
// line is the cause in a person's words; the lines after it, up to the first raw section, say what to do; a raw
// section ("--- last lines of the server log ---" and what follows) is what a program said, verbatim. The CLI prints
// it whole; the window shows the cause and the advice, with the raw sections behind "Details".

/** A raw section's heading line: `--- last lines of the server log ---`. */
const rawHeading = /^--- .+ ---$/;

/** `text` as a raw section of a reason, under `title`; nothing when there is no text. */
export function rawSection(title: string, text: string): string {
  const trimmed = text.trim();
  return trimmed ? `\n--- ${title} ---\n${trimmed}` : '';
}

export interface ReasonParts {
  cause: string;
  /** What to do about it: hubtray's own lines after the cause; may be empty. */
  advice: string[];
  /** The raw sections, headings included, as they were; '' when there are none. */
  raw: string;
}

export function reasonParts(reason: string): ReasonParts {
  const lines = reason.split('\n');
  const rawAt = lines.findIndex((line) => rawHeading.test(line));
  const own = rawAt === -1 ? lines : lines.slice(0, rawAt);
  const [cause = '', ...advice] = own;
  return { cause, advice: advice.filter((line) => line.trim() !== ''), raw: rawAt === -1 ? '' : lines.slice(rawAt).join('\n') };
}
