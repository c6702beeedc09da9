// config.json's text as the user wrote it, edited in place with jsonc-parser (VS Code's), so that a change made from
// the UI keeps the file's comments, layout, indentation, line endings and byte order mark.
import { isDeepStrictEqual } from 'node:util';
import { applyEdits, findNodeAtLocation, modify, parse, parseTree, type FormattingOptions, type JSONPath, type ParseError } from 'jsonc-parser';
import { CONFIG_SYNTAX, withoutByteOrderMark } from './load-config.js';

/** config.json's text, changed one value at a time with jsonc-parser's `modify`, in the file's own indentation. */
export class ConfigText {
  private readonly byteOrderMark: string;
  private readonly formatting: FormattingOptions;
  private text: string;

  constructor(text: string) {
    const body = withoutByteOrderMark(text);
    this.byteOrderMark = text.slice(0, text.length - body.length);
    const eol = body.includes('\r\n') ? '\r\n' : '\n';
    const root = parseTree(body, [], CONFIG_SYNTAX);
    // Indented as the first top-level setting is, two spaces when the file has no indentation to go by.
    const first = root?.children?.[0];
    const indent = first ? body.slice(body.lastIndexOf('\n', first.offset) + 1, first.offset) : '';
    this.formatting = indent.startsWith('\t') ? { insertSpaces: false, tabSize: 4, eol } : { insertSpaces: true, tabSize: /^ +$/.test(indent) ? indent.length : 2, eol };
    // A file of nothing but white space and comments gets an object to edit, after its comments.
    this.text = root ? body : `${body.trim() === '' ? '' : body.replace(/\s*$/, eol)}{}${eol}`;
  }

  set(path: JSONPath, value: unknown): void {
    this.text = applyEdits(this.text, modify(this.text, path, value, { formattingOptions: this.formatting }));
  }

  /** From `before` to `after` setting by setting, so what did not change keeps its comments and layout. */
  update(path: JSONPath, before: unknown, after: unknown): void {
    if (isPlainObject(before) && isPlainObject(after)) {
      for (const key of Object.keys(before)) if (!Object.hasOwn(after, key)) this.remove([...path, key]);
      for (const [key, value] of Object.entries(after)) this.update([...path, key], Object.hasOwn(before, key) ? before[key] : undefined, value);
    } else if (!isDeepStrictEqual(before, after)) {
      this.set(path, after);
    }
  }

  remove(path: JSONPath): void {
    const removed = applyEdits(this.text, modify(this.text, path, undefined, { formattingOptions: this.formatting }));
    const errors: ParseError[] = [];
    parse(removed, errors, CONFIG_SYNTAX);
    // jsonc-parser leaves "{ , }" when the only property it removes is followed by a trailing comma.
    if (errors.length === 0) this.text = removed;
    else this.set(path.slice(0, -1), {});
  }

  /** Renames the property at `path` where it is, keeping its value as written. */
  rename(path: JSONPath, name: string): void {
    const root = parseTree(this.text, [], CONFIG_SYNTAX);
    const key = root && findNodeAtLocation(root, path)?.parent?.children?.[0];
    if (!key) throw new Error(`no property ${JSON.stringify(path)} to rename`);
    this.text = applyEdits(this.text, [{ offset: key.offset, length: key.length, content: JSON.stringify(name) }]);
  }

  toString(): string {
    return this.byteOrderMark + this.text;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
