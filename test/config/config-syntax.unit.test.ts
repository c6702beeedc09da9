// config.json's syntax: JSON with comments and trailing commas, as VS Code's settings files, read by jsonc-parser;
// a mistake is reported with the file, its line and column and what is wrong there.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config.js';
import { parseConfigText } from '../../electron/core/config/load-config.js';

const messageOf = (text: string): string => {
  try {
    parseConfigText(text, 'config.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`${JSON.stringify(text)} was accepted`);
};

describe('config.json syntax', () => {
  it('allows // and /* */ comments and trailing commas, as VS Code settings files do', () => {
    const text = [
      '// hubtray settings',
      '{',
      '  "$schema": "./config.schema.json", /* for the editor */',
      '  "systems": {',
      '    // the cluster',
      '    "lab": {',
      '      "kind": "ssh",',
      '      "host": "lab.example.org", // the login node',
      '      "args": ["--debug",],',
      '    },',
      '  },',
      '  /* a',
      '     longer comment */',
      '  "prompt_timeout": 30,',
      '}',
      '// the end',
    ].join('\n');
    const config = parseConfigText(text, 'config.json');
    expect(config.prompt_timeout).toBe(30);
    expect(config.systems.lab).toMatchObject({ kind: 'ssh', host: 'lab.example.org', args: ['--debug'] });
  });

  it('reads comments and a byte order mark with Windows line ends', () => {
    expect(parseConfigText('\uFEFF{\r\n  // short\r\n  "prompt_timeout": 5,\r\n}\r\n', 'config.json').prompt_timeout).toBe(5);
  });

  it('treats a file of nothing but white space and comments as an empty config', () => {
    expect(parseConfigText('', 'config.json')).toEqual({ systems: {}, prompt_timeout: 120 });
    expect(parseConfigText(' \n\t\n', 'config.json')).toEqual({ systems: {}, prompt_timeout: 120 });
    expect(parseConfigText('// nothing yet\n/* later */\n', 'config.json')).toEqual({ systems: {}, prompt_timeout: 120 });
  });

  it.each([
    ['[]', 'an array'],
    ['[{"systems": {}}]', 'an array'],
    ['42', 'a number'],
    ['"systems"', 'a string'],
    ['true', 'a boolean'],
    ['null', 'null'],
    ['// a comment\nnull', 'null'],
  ])('says the settings are one object when the file holds %j', (text, kind) => {
    expect(messageOf(text)).toBe(`config.json: expected the settings as one object, { … }, but the file holds ${kind}`);
  });

  it.each([
    ['{"a": 1\n "b": 2}', 2, 2, `expected ',' or '}', but found the string "b"`],
    ['{"a": }', 1, 7, 'expected a value, but found "}"'],
    ['{"a": [1 2]}', 1, 10, `expected ',' or ']', but found "2"`],
    ['{"a": [1, {"x": 1} "y"]}', 1, 20, `expected ',' or ']', but found the string "y"`],
    ['{"a": 1,,}', 1, 9, 'expected a property name in double quotes, but found ","'],
    ['[,]', 1, 2, 'expected a value, but found ","'],
    ["{'a': 1}", 1, 2, `expected a property name in double quotes, but found "'a'"`],
    ['{a: 1}', 1, 2, 'expected a property name in double quotes, but found "a"'],
    ['{"a": "two\nlines"}', 1, 11, 'expected the closing \'"\' of the string (a line break inside a string is written \\n), but found "\\n"'],
    ['{"a": "open', 1, 12, 'expected the closing \'"\' of the string, but the file ends'],
    ['{"a": "abc\\qdef"}', 1, 11, 'expected a valid escape such as \\n, \\" or \\u00e9, but found "\\q"'],
    ['{"a": "\\u12"}', 1, 8, 'expected a valid escape such as \\n, \\" or \\u00e9, but found "\\u"'],
    ['{"a": "x\ty"}', 1, 9, 'expected no control character inside a string (a tab is written \\t), but found "\\t"'],
    ['{"a": 01}', 1, 8, `expected ',' or '}', but found "1"`],
    ['{"a": 1e}', 1, 9, 'expected a digit after "1e", but found "}"'],
    ['{"a": tru}', 1, 7, 'expected a value, but found "tru"'],
    ['{"a": NaN}', 1, 7, 'expected a value, but found "NaN"'],
    ['{"a": 1} x', 1, 10, 'unexpected "x"'],
    ['{"a": 1}}', 1, 9, 'expected the end of the file after the top-level value, but found "}"'],
    ['{"a": 1', 1, 8, "expected '}', but the file ends"],
    ['{\r\n  "a" 1}', 2, 7, `expected ':', but found "1"`],
    ['{\n  // fine\n  "a": 1 /* fine */\n  "b": 2\n}', 4, 3, `expected ',' or '}', but found the string "b"`],
    ['{\n  "a": 1 /* not closed\n}', 2, 10, "expected '*/' to close the comment that starts here, but the file ends"],
    ['\uFEFF{\n  "a" 1}', 2, 7, `expected ':', but found "1"`],
  ])('locates the mistake in %j at line %i, column %i', (text, line, column, cause) => {
    expect(messageOf(text)).toBe(`config.json: not valid JSON at line ${line}, column ${column}: ${cause}`);
  });

  it('cuts a long token short', () => {
    const message = messageOf(`{"a": 1 "${'x'.repeat(100)}": 2}`);
    expect(message).toBe(`config.json: not valid JSON at line 1, column 9: expected ',' or '}', but found the string "${'x'.repeat(39)}…"`);
  });
});
