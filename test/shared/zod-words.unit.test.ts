// What a person reads when config.json or the system editor holds a bad setting: words about the setting ("port
// must be between 1 and 65535"), never zod's schema text ("Too big: expected number to be <=65535"), and for a
// misspelt setting the one they meant. One case per kind of issue the settings' schemas produce.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeZodError } from '../../shared/api.js';
import { ConfigError, parseConfig } from '../../shared/config.js';
import { closestName, editDistance, issueInWords, isOwnMessage } from '../../shared/zod-words.js';
import { checkDraft, draftFrom } from '../../renderer/src/lib/system-draft.js';

/** config.json's error for one system `X` with these settings. */
function configError(settings: Record<string, unknown>): string {
  try {
    parseConfig({ systems: { X: settings } });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the settings were accepted');
}

const ssh = { kind: 'ssh', host: 'cluster.example.org' };
const zodText = /Too big|Too small|Invalid input|Invalid option|Invalid string|Invalid URL|Unrecognized key|expected number|<=|>=/;

describe('config.json errors a person fixes by hand, one per kind of schema issue', () => {
  it.each([
    // too_big: a port typed with one digit too many; a fraction set above its whole.
    ['too_big, with the range written on the schema', { ...ssh, port: 70000 }, 'config.json: systems.X.port: must be between 1 and 65535'],
    ['too_big, in the default words', { ...ssh, poll_jitter: 2 }, 'config.json: systems.X.poll_jitter: must be at most 1'],
    // too_small: a negative timeout, an empty command, no keepalive probes at all.
    ['too_small, seconds', { ...ssh, start_timeout: -1 }, 'config.json: systems.X.start_timeout: must be a number of seconds above 0'],
    ['too_small, empty text', { ...ssh, cmd: '' }, 'config.json: systems.X.cmd: must not be empty'],
    ['too_small, a count', { ...ssh, keepalive_count_max: 0 }, 'config.json: systems.X.keepalive_count_max: must be at least 1'],
    // invalid_type: a quoted number, a missing host, a fractional port, a number where words go.
    ['invalid_type, text for a number', { ...ssh, start_timeout: 'soon' }, 'config.json: systems.X.start_timeout: must be a number, not text'],
    ['invalid_type, a required setting left out', { kind: 'ssh' }, 'config.json: systems.X.host: is required'],
    ['invalid_type, a fraction for a whole number', { ...ssh, port: 22.5 }, 'config.json: systems.X.port: must be a whole number, between 1 and 65535'],
    ['invalid_union of types, a number for a command', { ...ssh, cmd: 3 }, 'config.json: systems.X.cmd: must be text or a list, […]'],
    // unrecognized_keys: a typo of a known setting, and a word that is not close to any.
    ['unrecognized_keys, a typo', { ...ssh, notbook_dir: '~/work' }, 'config.json: systems.X: unknown setting "notbook_dir" (did you mean notebook_dir?)'],
    ['unrecognized_keys, a typo of a timeout', { ...ssh, start_timout: 5 }, 'config.json: systems.X: unknown setting "start_timout" (did you mean start_timeout?)'],
    ['unrecognized_keys, nothing close', { ...ssh, colour: 'blue' }, 'config.json: systems.X: unknown setting "colour"'],
    // invalid_format: an ftp:// hub address.
    ['invalid_format, a URL of the wrong scheme', { kind: 'jupyterhub', hub_url: 'ftp://hub.example.org' }, 'config.json: systems.X.hub_url: must be an http:// or https:// URL'],
    // regex: shell characters in a host (the schema's own words stay), a bad environment variable name.
    ['regex, with the schema\'s own words', { kind: 'ssh', host: 'h; rm -rf /' }, 'config.json: systems.X.host: a host is an ssh config alias or a host name, without spaces or shell characters'],
    ['regex on a key', { ...ssh, environment: { '1PATH': 'x' } }, 'config.json: systems.X.environment.1PATH: is not an allowed name (an environment variable name is letters, digits and _, not starting with a digit)'],
    // invalid_value: a kind hubtray does not have.
    ['an unknown kind', { kind: 'pbs' }, 'config.json: systems.X.kind: must be one of "ssh", "slurm", "jupyterhub", "local" or "outpost"'],
    ['a list index in the path', { ...ssh, options_form: { fields: [{ type: 'text' }] } }, 'config.json: systems.X.options_form.fields[0].name: is required'],
  ])('%s', (_, settings, message) => {
    const text = configError(settings);
    expect(text).toBe(message);
    expect(text).not.toMatch(zodText);
  });

  it('says "Unknown setting" of a misspelt top-level key, which has no setting above it', () => {
    expect(() => parseConfig({ sytems: {} })).toThrow('config.json: Unknown setting "sytems"');
  });

  it('joins several problems of one file, each naming its setting', () => {
    expect(configError({ ...ssh, port: 0, poll_jitter: -1 })).toBe('config.json: systems.X.poll_jitter: must be at least 0; systems.X.port: must be between 1 and 65535');
  });
});

describe("zod's own text never reaches a person", () => {
  // Schemas without messages, so every issue carries zod's default text; each must be reworded.
  const Plain = z
    .object({
      n: z.number().max(10),
      m: z.number().gt(0),
      s: z.string().max(3),
      l: z.array(z.string()).min(2),
      e: z.email(),
      u: z.url(),
      r: z.string().regex(/^a+$/),
      p: z.string().startsWith('x'),
      k: z.literal('ssh'),
      o: z.enum(['a', 'b']),
      b: z.boolean(),
      i: z.int(),
      x: z.number().multipleOf(5),
    })
    .strict();
  const bad = { n: 11, m: 0, s: 'long', l: ['one'], e: 'me', u: 'no url', r: 'b', p: 'y', k: 'local', o: 'c', b: 'yes', i: 1.5, x: 7, extra: 1 };

  it('words every default message, issue by issue', () => {
    const parsed = Plain.safeParse(bad);
    expect(parsed.success).toBe(false);
    const words = Object.fromEntries(parsed.error!.issues.map((issue) => [issue.path.join('.') || '(root)', issueInWords(issue, issue.path.join('.') || undefined)]));
    expect(words).toEqual({
      n: 'n must be at most 10',
      m: 'm must be more than 0',
      s: 's must have at most 3 characters',
      l: 'l must have at least 2 items',
      e: 'e must be an email address',
      u: 'u must be a URL, such as https://example.org',
      r: 'r is not in the expected form (/^a+$/)',
      p: 'p must start with "x"',
      k: 'k must be "ssh"',
      o: 'o must be one of "a" or "b"',
      b: 'b must be true or false, not text',
      i: 'i must be a whole number',
      x: 'x must be a multiple of 5',
      '(root)': 'Unknown setting "extra"',
    });
    expect(describeZodError(parsed.error!)).not.toMatch(zodText);
  });

  it('keeps a message written on the schema as it is', () => {
    const Named = z.object({ host: z.string().regex(/^\w+$/, 'a host name') });
    const parsed = Named.safeParse({ host: 'a b' });
    expect(describeZodError(parsed.error!)).toBe('host: a host name');
    expect(isOwnMessage('a host name')).toBe(true);
    expect(isOwnMessage('Too big: expected number to be <=65535')).toBe(false);
  });
});

describe('the closest known setting, for "did you mean"', () => {
  it('measures edits the way a typo makes them', () => {
    expect(editDistance('notbook_dir', 'notebook_dir')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('names a near setting, and none for a different word', () => {
    const known = ['notebook_dir', 'start_timeout', 'http_timeout', 'host', 'port'];
    expect(closestName('notbook_dir', known)).toBe('notebook_dir');
    expect(closestName('Start_Timeout', known)).toBe('start_timeout');
    expect(closestName('prot', known)).toBe('port');
    expect(closestName('environment', known)).toBeUndefined();
  });
});

describe('the system editor: the message under the field a person typed in', () => {
  it('says "Port must be between 1 and 65535" under Port', () => {
    const draft = draftFrom('gpu', { ...ssh });
    draft.fields.port = '70000';
    expect(checkDraft(draft, []).errors).toEqual({ port: 'Port must be between 1 and 65535' });
  });

  it('says the label without its unit: "Start timeout must be a number of seconds above 0"', () => {
    const draft = draftFrom('gpu', { ...ssh });
    draft.fields.start_timeout = '0';
    expect(checkDraft(draft, []).errors.start_timeout).toBe('Start timeout must be a number of seconds above 0');
  });

  it("shows a schema's own sentence under its field as it is: the Host field's shell characters", () => {
    const draft = draftFrom('gpu', { ...ssh });
    draft.fields.host = 'cluster; rm -rf ~';
    expect(checkDraft(draft, []).errors).toEqual({ host: 'A host is an ssh config alias or a host name, without spaces or shell characters' });
  });

  it('offers the setting meant by a typo in the advanced JSON', () => {
    const draft = draftFrom('gpu', { ...ssh });
    draft.advanced = '{"notbook_dir": "~/work"}';
    // notebook_dir has a field of its own, so the typo is only in the JSON.
    expect(checkDraft(draft, []).errors).toEqual({ advanced: 'Unknown setting "notbook_dir" (did you mean notebook_dir?)' });
  });

  it('names the path of a bad setting in the advanced JSON', () => {
    const draft = draftFrom('gpu', { ...ssh });
    draft.advanced = '{"poll_jitter": 3}';
    expect(checkDraft(draft, []).errors).toEqual({ advanced: 'poll_jitter must be at most 1' });
  });
});
