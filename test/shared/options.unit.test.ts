// Options: JupyterHub's options_from_form coercion, the form's own checks, ByteSpecification, and the dict form of
// apply_user_options with traitlets-like coercion from strings.
import { describe, expect, it } from 'vitest';
import { checkOptions, formDataFromPairs, optionsFromForm, type FormSchema } from '../../shared/forms.js';
import { parseByteSpecification } from '../../shared/bytes.js';
import { applyUserOptions, parseConfig, SshSystem } from '../../shared/config.js';

const form: FormSchema = {
  fields: [
    { name: 'dir', type: 'text', default: '~' },
    { name: 'cpus', type: 'number', min: 1, max: 8, integer: true, default: 1 },
    { name: 'gpu', type: 'checkbox' },
    { name: 'image', type: 'select', choices: [{ value: 'base' }, { value: 'scipy' }], default: 'base' },
    { name: 'queues', type: 'select', multiple: true, choices: [{ value: 'a' }, { value: 'b' }] },
    { name: 'account', type: 'text', pattern: '[a-z]+[0-9]*' },
  ],
};

describe('options_from_form', () => {
  it('coerces lists of strings into typed user_options and fills defaults', () => {
    expect(optionsFromForm(form, { cpus: ['4'], gpu: ['on'], queues: ['a', 'b'], account: ['proj42'] })).toEqual({
      dir: '~',
      cpus: 4,
      gpu: true,
      image: 'base',
      queues: ['a', 'b'],
      account: 'proj42',
    });
    expect(optionsFromForm(form, { gpu: ['false'] }).gpu).toBe(false);
  });

  it('names the field and the problem for bad values', () => {
    expect(() => optionsFromForm(form, { cpus: ['many'] })).toThrow(/cpus: "many" is not a number/);
    expect(() => optionsFromForm(form, { cpus: ['0'] })).toThrow(/cpus: 0 is below the minimum 1/);
    expect(() => optionsFromForm(form, { cpus: ['2.5'] })).toThrow(/cpus: expected a whole number/);
    expect(() => optionsFromForm(form, { image: ['evil'] })).toThrow(/image: choose from base, scipy/);
    expect(() => optionsFromForm(form, { account: ['x; rm -rf ~'] })).toThrow(/account: .* does not match/);
    expect(() => optionsFromForm(form, { colour: ['red'] })).toThrow(/unknown option "colour"; this system's form has: dir, cpus/);
  });

  it('checks typed options (the REST shape) the same way', () => {
    expect(checkOptions(form, { cpus: 2 })).toMatchObject({ cpus: 2, image: 'base' });
    expect(() => checkOptions(form, { cpus: '2' })).toThrow(/cpus: expected a number/);
    expect(() => checkOptions(form, { gpu: 'yes' })).toThrow(/gpu: expected true or false/);
  });

  it('turns CLI KEY=VALUE pairs into form data, keeping repeats and "=" in values', () => {
    expect(formDataFromPairs(['queues=a', 'queues=b', 'dir=/a=b'])).toEqual({ queues: ['a', 'b'], dir: ['/a=b'] });
    expect(() => formDataFromPairs(['novalue'])).toThrow(/not KEY=VALUE/);
  });
});

describe('ByteSpecification', () => {
  it('reads K, M, G and T as powers of 1024', () => {
    expect(parseByteSpecification('512M')).toBe(512 * 1024 ** 2);
    expect(parseByteSpecification('4G')).toBe(4 * 1024 ** 3);
    expect(parseByteSpecification('1.5k')).toBe(1536);
    expect(parseByteSpecification('2T')).toBe(2 * 1024 ** 4);
    expect(parseByteSpecification(1000)).toBe(1000);
  });

  it('refuses anything else with a hint', () => {
    expect(() => parseByteSpecification('4GB')).toThrow(/use a number optionally followed by K, M, G or T/);
    expect(() => parseByteSpecification(-1)).toThrow(/not a whole number of bytes/);
    expect(() => parseConfig({ systems: { a: { kind: 'local', mem_limit: 'lots' } } })).toThrow(/systems\.a\.mem_limit/);
  });
});

describe('apply_user_options (dict form)', () => {
  const system = SshSystem.parse({
    kind: 'ssh',
    host: 'h',
    apply_user_options: { dir: 'notebook_dir', mem: 'mem_limit', timeout: 'start_timeout', extra: 'args' },
  });

  it('sets only the mapped settings, coercing strings like traitlets from_string', () => {
    const applied = applyUserOptions(system, SshSystem, { dir: '/data', mem: '8G', timeout: '120', extra: '["--debug"]', host: 'evil' });
    expect(applied.notebook_dir).toBe('/data');
    expect(applied.mem_limit).toBe('8G');
    expect(applied.start_timeout).toBe(120);
    expect(applied.args).toEqual(['--debug']);
    // Not mapped, so a user option cannot change it.
    expect(applied.host).toBe('h');
  });

  it('reports a value the setting cannot take', () => {
    expect(() => applyUserOptions(system, SshSystem, { timeout: 'soon' })).toThrow(/user options: start_timeout/);
    expect(() => applyUserOptions(system, SshSystem, { mem: '8 gigs' })).toThrow(/mem_limit/);
  });
});
