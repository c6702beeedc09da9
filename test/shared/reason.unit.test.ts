// A reason is read cause first: its first line, then hubtray's advice, then what programs said (behind "Details").
import { describe, expect, it } from 'vitest';
import { rawSection, reasonParts } from '../../shared/reason.js';
import { settingName } from '../../shared/kinds/setting-name.js';

describe('a server’s reason', () => {
  it('splits into the cause, the advice and the raw sections', () => {
    const reason = `the server did not answer HTTP within 30 s\nIf it is only slow, raise it.\n${rawSection('last lines of the server log', '\nline 1\n--- not a heading\nline 3\n').slice(1)}`;
    expect(reasonParts(reason)).toEqual({
      cause: 'the server did not answer HTTP within 30 s',
      advice: ['If it is only slow, raise it.'],
      raw: '--- last lines of the server log ---\nline 1\n--- not a heading\nline 3',
    });
  });

  it('is a cause alone when it has one line', () => {
    expect(reasonParts('stopped by the user')).toEqual({ cause: 'stopped by the user', advice: [], raw: '' });
  });

  it('adds no section for empty output', () => {
    expect(rawSection('last lines of the server log', ' \n')).toBe('');
  });
});

describe('a setting named in a message', () => {
  it('reads as the form labels it, with its name in brackets', () => {
    expect(settingName('http_timeout')).toBe('HTTP timeout [http_timeout]');
    expect(settingName('cmd')).toBe('Jupyter command [cmd]');
    expect(settingName('start_timeout')).toBe('Start timeout [start_timeout]');
  });

  it('is its name alone when the form has no field for it', () => {
    expect(settingName('poll_jitter')).toBe('poll_jitter');
  });
});
