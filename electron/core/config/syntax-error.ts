// A syntax error in config.json in words a person can act on: jsonc-parser reports codes and offsets; this says
// what was expected and what was found there.
import { getLocation, ParseErrorCode, printParseErrorCode, type ParseError } from 'jsonc-parser';

/** Where the first error is (an offset into `text`) and what is wrong there, in words. */
export function describeSyntaxError(text: string, errors: ParseError[]): { offset: number; message: string } {
  const [first, next] = errors as [ParseError, ...ParseError[]];
  const end = first.offset + first.length;
  const token = text.slice(first.offset, end);
  switch (first.error) {
    case ParseErrorCode.InvalidSymbol: {
      // The parser skips what is not JSON (a word, a single quote) and then says what it expected in its place.
      const replaced = next !== undefined && text.slice(end, next.offset).trim() === '' ? expectation(text, next) : undefined;
      return { offset: first.offset, message: replaced ? `expected ${replaced}, but found ${quoted(token)}` : `unexpected ${quoted(token)}` };
    }
    case ParseErrorCode.UnexpectedEndOfString:
      // The string token runs up to the line break or the end of the file, which is where the closing quote is missing.
      return { offset: end, message: `expected the closing '"' of the string${end < text.length ? ' (a line break inside a string is written \\n)' : ''}, but ${found(text, end, 1)}` };
    case ParseErrorCode.InvalidEscapeCharacter:
    case ParseErrorCode.InvalidUnicode: {
      const at = first.offset + Math.max(0, token.search(/\\(?!["\\/bfnrt]|u[0-9a-fA-F]{4})/));
      return { offset: at, message: `expected a valid escape such as \\n, \\" or \\u00e9, but found "${text.slice(at, at + 2)}"` };
    }
    case ParseErrorCode.InvalidCharacter: {
      const at = first.offset + Math.max(0, token.split('').findIndex((c) => c < ' '));
      return { offset: at, message: `expected no control character inside a string (a tab is written \\t), but ${found(text, at, 1)}` };
    }
    case ParseErrorCode.UnexpectedEndOfNumber:
      return { offset: end, message: `expected a digit after ${JSON.stringify(token)}, but ${found(text, end, 1)}` };
    case ParseErrorCode.UnexpectedEndOfComment:
      return { offset: first.offset, message: "expected '*/' to close the comment that starts here, but the file ends" };
    default:
      return { offset: first.offset, message: `expected ${expectation(text, first) ?? printParseErrorCode(first.error)}, but ${found(text, first.offset, first.length)}` };
  }
}

/** What the parser wanted where it reported `error`, in words; undefined for an error that is no expectation. */
function expectation(text: string, error: ParseError): string | undefined {
  switch (error.error) {
    case ParseErrorCode.ValueExpected:
      return 'a value';
    case ParseErrorCode.PropertyNameExpected:
      return 'a property name in double quotes';
    case ParseErrorCode.ColonExpected:
      return "':'";
    case ParseErrorCode.CommaExpected:
      // The path to the offset ends in an index inside an array and in a property name inside an object.
      return typeof getLocation(text, error.offset).path.at(-1) === 'number' ? "',' or ']'" : "',' or '}'";
    case ParseErrorCode.CloseBraceExpected:
      return "'}'";
    case ParseErrorCode.CloseBracketExpected:
      return "']'";
    case ParseErrorCode.EndOfFileExpected:
      return 'the end of the file after the top-level value';
    case ParseErrorCode.InvalidNumberFormat:
      return 'a number';
    default:
      return undefined;
  }
}

/** "found …" for the token at `offset`, or "the file ends". */
function found(text: string, offset: number, length: number): string {
  return offset >= text.length ? 'the file ends' : `found ${quoted(text.slice(offset, offset + Math.max(1, length)))}`;
}

/** A token as a message shows it: a string as written, anything else quoted; a long one cut short. */
function quoted(token: string): string {
  const short = token.length > 40 ? `${token.slice(0, 40)}…` : token;
  return token.startsWith('"') && token.length > 1 ? `the string ${short}${short === token ? '' : '"'}` : JSON.stringify(short);
}
