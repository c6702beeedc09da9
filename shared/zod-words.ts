// Schema failures in words a person reads ("port: must be between 1 and 65535"), not zod's own text ("Too big:
// expected number to be <=65535"). A schema's own message stays as written; one that starts with "must " or "is "
// also reads after a field's label ("Port must be between 1 and 65535"), so one message serves config.json's errors
// and the editor's fields.
import { z } from 'zod';

type Issue = z.core.$ZodIssue;

// zod's English messages all start so; anything else was written on the schema by a person.
const zodText = /^(Invalid |Too big: |Too small: |Unrecognized keys?: )/;

/** Whether a message was written on the schema (and so is kept), rather than zod's default text. */
export function isOwnMessage(message: string): boolean {
  return !zodText.test(message);
}

/** A message that reads after the subject: "must be …", "is …". */
function isPredicate(message: string): boolean {
  return /^(must|is|has|needs) /.test(message);
}

const kinds: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  object: 'an object, {…}',
  array: 'a list, […]',
  record: 'an object, {…}',
  map: 'an object, {…}',
  null: 'null',
};

function kindOf(expected: string): string {
  return kinds[expected] ?? expected;
}

function quote(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}

function oneOf(values: readonly unknown[]): string {
  if (values.length === 1) return quote(values[0]);
  return `one of ${values.slice(0, -1).map(quote).join(', ')} or ${quote(values[values.length - 1])}`;
}

function count(n: number | bigint, one: string, many: string): string {
  return `${n.toString()} ${Number(n) === 1 ? one : many}`;
}

const units: Record<string, [string, string]> = {
  string: ['character', 'characters'],
  array: ['item', 'items'],
  set: ['item', 'items'],
  file: ['byte', 'bytes'],
};

/** What is wrong, as a predicate for the setting's name: "must be at most 65535". */
function predicate(issue: Issue): string {
  switch (issue.code) {
    case 'too_big': {
      const unit = units[issue.origin];
      if (unit) return `must have at most ${count(issue.maximum, ...unit)}`;
      return issue.inclusive ? `must be at most ${issue.maximum.toString()}` : `must be less than ${issue.maximum.toString()}`;
    }
    case 'too_small': {
      const unit = units[issue.origin];
      if (unit && Number(issue.minimum) === 1) return issue.origin === 'string' ? 'must not be empty' : 'must have at least one item';
      if (unit) return `must have at least ${count(issue.minimum, ...unit)}`;
      return issue.inclusive ? `must be at least ${issue.minimum.toString()}` : `must be more than ${issue.minimum.toString()}`;
    }
    case 'invalid_type': {
      // zod's issue no longer holds the input; its text says what was received.
      if (/received undefined$/.test(issue.message)) return 'is required';
      const received = /received (\w+)$/.exec(issue.message)?.[1];
      // A fraction for a whole number is still a number: "not a number" would mislead.
      const differs = received !== undefined && received !== issue.expected && !(received === 'number' && issue.expected === 'int');
      return `must be ${kindOf(issue.expected)}${differs ? `, not ${kindOf(received)}` : ''}`;
    }
    case 'invalid_value':
      return `must be ${oneOf(issue.values)}`;
    case 'invalid_format':
      switch (issue.format) {
        case 'regex':
          return `is not in the expected form (${issue.pattern ?? 'a pattern'})`;
        case 'starts_with':
          return `must start with "${(issue as { prefix?: string }).prefix ?? ''}"`;
        case 'ends_with':
          return `must end with "${(issue as { suffix?: string }).suffix ?? ''}"`;
        case 'includes':
          return `must include "${(issue as { includes?: string }).includes ?? ''}"`;
        case 'url':
          return 'must be a URL, such as https://example.org';
        case 'email':
          return 'must be an email address';
        default:
          return `must be a valid ${issue.format}`;
      }
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor.toString()}`;
    case 'unrecognized_keys':
      return `has ${issue.keys.length === 1 ? 'an unknown setting' : 'unknown settings'} ${issue.keys.map(quote).join(', ')}`;
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator !== undefined) {
        const options = (issue as { options?: readonly unknown[] }).options ?? [];
        return options.length > 0 ? `must be ${oneOf(options)}` : 'is not one of the values it may take';
      }
      // "a string or a list": each branch failed on the value's own type.
      const expected = issue.errors.map((branch) => branch.find((i) => i.path.length === 0 && i.code === 'invalid_type'));
      if (expected.length > 0 && expected.every((i) => i !== undefined)) {
        const words = [...new Set(expected.map((i) => kindOf((i as { expected: string }).expected)))];
        return `must be ${words.slice(0, -1).join(', ')}${words.length > 1 ? ' or ' : ''}${words[words.length - 1]}`;
      }
      return 'is not any of the forms it may take';
    }
    case 'invalid_key': {
      // The path ends at the bad key itself: say why it is not a name allowed there.
      const why = issue.issues.map((i) => i.message).find(isOwnMessage);
      return `is not an allowed name${why ? ` (${why})` : ''}`;
    }
    case 'invalid_element':
      return 'holds a value that is not allowed';
    case 'custom':
      return issue.message;
  }
}

/** What is wrong with one issue's value, as words: "must be at most 65535", "unknown setting "x"". */
function issueText(issue: Issue): string {
  const text = isOwnMessage(issue.message) ? issue.message : predicate(issue);
  // "has an unknown setting" reads after a subject only; alone it is "unknown setting".
  return text.replace(/^has (an )?(unknown settings?)/, '$2');
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * One issue as a sentence about `subject` (a field's label, a setting's name): "Port must be between 1 and 65535",
 * "Host: a host is an ssh config alias …". Without a subject: "Unknown setting "x" (did you mean y?)".
 */
export function issueInWords(issue: Issue, subject?: string): string {
  if (!subject) return capitalized(issueText(issue));
  const text = isOwnMessage(issue.message) ? issue.message : predicate(issue);
  return isPredicate(text) ? `${subject} ${text}` : `${subject}: ${text}`;
}

/**
 * The message under a form field labelled `label`: "Port must be between 1 and 65535"; a schema's own sentence that
 * does not read after a name ("a host is an ssh config alias …") stands alone, the label being just above it.
 */
export function fieldMessage(issue: Issue, label: string): string {
  const text = isOwnMessage(issue.message) ? issue.message : predicate(issue);
  return isPredicate(text) ? `${label} ${text}` : capitalized(text);
}

/** Where an issue is, as config.json's path: systems.gpu.port, options_form.fields[0].name. */
export function issuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `${text ? '.' : ''}${String(key)}`;
  return text;
}

/** Every issue of a failure in words, each after the path of its setting: "systems.gpu.port: must be …". */
export function zodErrorInWords(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issuePath(issue.path);
      return path ? `${path}: ${issueText(issue)}` : capitalized(issueText(issue));
    })
    .join('; ');
}

/** Levenshtein distance, small strings only (setting names). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The known name closest to a misspelt one, if it is close enough to be what was meant. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  // A third of the name may be off (a dropped letter, a swap, timout/timeout), never a different word.
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** "unknown setting "notbook_dir": did you mean notebook_dir?" for a strict object's extra keys. */
export function unknownSettings(keys: readonly string[], known: readonly string[]): string {
  const each = keys.map((key) => {
    const near = closestName(key, known);
    return `"${key}"${near ? ` (did you mean ${near}?)` : ''}`;
  });
  return `has ${keys.length === 1 ? 'an unknown setting' : 'unknown settings'} ${each.join(', ')}`;
}

/**
 * A strict object's message map that names the closest known setting of a misspelt one; other issues keep their
 * usual words. Use as `z.strictObject(shape, { error: unknownSettingHint(Object.keys(shape)) })`.
 */
export function unknownSettingHint(known: readonly string[]) {
  return (issue: { code?: string; keys?: readonly string[] }): string | undefined =>
    issue.code === 'unrecognized_keys' && issue.keys ? unknownSettings(issue.keys, known) : undefined;
}

/** `schema.strict()`, whose error for a misspelt setting names the closest known one. */
export function strictSettings<Shape extends z.core.$ZodShape>(schema: z.ZodObject<Shape>) {
  return z.strictObject(schema.shape, { error: unknownSettingHint(Object.keys(schema.shape)) });
}
