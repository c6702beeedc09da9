// Where a JSON text goes wrong, as a line and column a person can jump to. Node 20's JSON.parse names at most a
// character offset, and for some mistakes nothing at all, so the text is re-scanned after JSON.parse has failed.

export interface JsonSyntaxProblem {
  line: number;
  column: number;
  message: string;
}

class Problem extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

/** The first syntax error in `text`, or null when it is valid JSON. Both line and column count from 1. */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | null {
  try {
    new Scanner(text).document();
    return null;
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    const before = text.slice(0, error.offset);
    const line = before.split('\n').length;
    return { line, column: error.offset - before.lastIndexOf('\n'), message: error.message };
  }
}

class Scanner {
  private at = 0;

  constructor(private readonly text: string) {}

  document(): void {
    this.value();
    this.space();
    if (this.at < this.text.length) this.fail('the end of the file after the top-level value');
  }

  private value(): void {
    this.space();
    const c = this.text[this.at];
    if (c === '{') this.object();
    else if (c === '[') this.array();
    else if (c === '"') this.string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) this.number();
    else if (!['true', 'false', 'null'].some((word) => this.word(word))) this.fail('a value');
  }

  private object(): void {
    this.at++;
    this.space();
    if (this.take('}')) return;
    for (;;) {
      this.space();
      if (this.text[this.at] === '}') this.fail("another property (JSON allows no comma before '}')");
      if (this.text[this.at] !== '"') this.fail('a property name in double quotes');
      this.string();
      this.space();
      if (!this.take(':')) this.fail("':'");
      this.value();
      this.space();
      if (this.take('}')) return;
      if (!this.take(',')) this.fail("',' or '}'");
    }
  }

  private array(): void {
    this.at++;
    this.space();
    if (this.take(']')) return;
    for (;;) {
      this.space();
      if (this.text[this.at] === ']') this.fail("another value (JSON allows no comma before ']')");
      this.value();
      this.space();
      if (this.take(']')) return;
      if (!this.take(',')) this.fail("',' or ']'");
    }
  }

  private string(): void {
    this.at++;
    while (this.at < this.text.length) {
      const c = this.text[this.at] as string;
      if (c === '"') {
        this.at++;
        return;
      }
      if (c === '\\') {
        const escape = /\\(["\\/bfnrt]|u[0-9a-fA-F]{4})/y;
        escape.lastIndex = this.at;
        if (!escape.test(this.text)) this.fail('a valid escape such as \\n, \\" or \\u00e9');
        this.at = escape.lastIndex;
      } else if (c < ' ') {
        this.fail('the closing \'"\' of the string (a line break inside a string is written \\n)');
      } else {
        this.at++;
      }
    }
    this.fail('the closing \'"\' of the string');
  }

  private number(): void {
    const number = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
    number.lastIndex = this.at;
    if (!number.test(this.text)) this.fail('a number');
    this.at = number.lastIndex;
  }

  private word(word: string): boolean {
    if (!this.text.startsWith(word, this.at)) return false;
    this.at += word.length;
    return true;
  }

  private take(c: string): boolean {
    if (this.text[this.at] !== c) return false;
    this.at++;
    return true;
  }

  private space(): void {
    while (this.at < this.text.length && ' \t\n\r'.includes(this.text[this.at] as string)) this.at++;
  }

  private fail(expected: string): never {
    const found = this.text[this.at];
    throw new Problem(this.at, `expected ${expected}, but ${found === undefined ? 'the file ends' : `found ${JSON.stringify(found)}`}`);
  }
}
