import { describe, expect, it } from 'vitest';
import { findJsonSyntaxProblem } from '../../electron/node/config/json-syntax.js';

describe('findJsonSyntaxProblem', () => {
  it.each([
    ['{"a": 1\n "b": 2}', 2, 2, `expected ',' or '}', but found "\\""`],
    ['{"a": }', 1, 7, 'expected a value, but found "}"'],
    ['{"a": [1, 2,]}', 1, 13, "expected another value (JSON allows no comma before ']'), but found \"]\""],
    ["{'a': 1}", 1, 2, "expected a property name in double quotes, but found \"'\""],
    ['{"a": "two\nlines"}', 1, 11, 'expected the closing \'"\' of the string (a line break inside a string is written \\n), but found "\\n"'],
    ['{"a": "\\x"}', 1, 8, 'expected a valid escape such as \\n, \\" or \\u00e9, but found "\\\\"'],
    ['{"a": 01}', 1, 8, `expected ',' or '}', but found "1"`],
    ['{"a": tru}', 1, 7, 'expected a value, but found "t"'],
    ['{"a": 1}}', 1, 9, 'expected the end of the file after the top-level value, but found "}"'],
    ['{"a": 1', 1, 8, "expected ',' or '}', but the file ends"],
    ['', 1, 1, 'expected a value, but the file ends'],
    ['{\r\n  "a" 1}', 2, 7, `expected ':', but found "1"`],
  ])('locates the problem in %j', (text, line, column, message) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(findJsonSyntaxProblem(text)).toEqual({ line, column, message });
  });

  it.each(['{}', '[]', '0', '-1.5e+3', '"\\u00e9\\n"', '{"a": [true, false, null, {"b": "c"}]}', ' \n{ "x" : 1 } \n'])('accepts %j, as JSON.parse does', (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(findJsonSyntaxProblem(text)).toBeNull();
  });
});
