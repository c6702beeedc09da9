// The options form's inline checks give the same verdicts as the Hub's, field by field.
import { describe, expect, it } from 'vitest';
import type { FormSchema } from '../../shared/forms.js';
import { checkValues, initialValues } from '../../renderer/src/lib/form-values.js';

const form: FormSchema = {
  fields: [
    { name: 'partition', label: 'Partition', type: 'select', choices: [{ value: 'cpu' }, { value: 'gpu' }] },
    { name: 'cores', label: 'Cores', type: 'number', min: 1, max: 8, integer: true, default: 2 },
    { name: 'dir', type: 'text', pattern: '/[a-z/]*' },
    { name: 'debug', type: 'checkbox' },
    { name: 'tags', type: 'select', multiple: true, choices: [{ value: 'x' }, { value: 'y' }] },
  ],
};

describe('options form values', () => {
  it('start from the remembered options where they fit, else from the defaults', () => {
    expect(initialValues(form, { partition: 'gpu', dir: '/home', removed: 1 })).toEqual({ partition: 'gpu', cores: '2', dir: '/home', debug: false, tags: [] });
    expect(initialValues(form, { cores: 'not a number', tags: ['y', 3] })).toMatchObject({ partition: 'cpu', cores: '', tags: ['y'] });
  });

  it('become typed options, with an error per field that names what is wrong', () => {
    const ok = checkValues(form, { partition: 'gpu', cores: '4', dir: '/data', debug: true, tags: ['x'] });
    expect(ok).toEqual({ options: { partition: 'gpu', cores: 4, dir: '/data', debug: true, tags: ['x'] }, errors: {} });

    const bad = checkValues(form, { partition: 'tpu', cores: '9', dir: 'relative', debug: false, tags: ['z'] });
    expect(bad.errors).toEqual({
      partition: 'choose from cpu, gpu',
      cores: '9 is above the maximum 8',
      dir: '"relative" does not match /[a-z/]*',
      tags: 'choose from x, y',
    });
    expect(checkValues(form, { ...ok.options, cores: '2.5' } as never).errors.cores).toBe('expected a whole number');
    expect(checkValues(form, { partition: 'cpu', cores: 'abc', dir: '', debug: false, tags: [] }).errors.cores).toBe('expected a number');
  });

  it('leave an empty number out, so that the Hub applies the default', () => {
    expect(checkValues(form, { partition: 'cpu', cores: ' ', dir: '', debug: false, tags: [] }).options).not.toHaveProperty('cores');
  });
});
