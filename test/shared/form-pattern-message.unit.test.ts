// What a person reads when a value does not fit an options form's field: in the window under the field, and from
// `hubtray start -o`. The user's world: a mistyped walltime or partition, and a form whose fields carry a regex.
import { describe, expect, it } from 'vitest';
import { checkOptions, optionsFromForm, type FormSchema } from '../../shared/forms.js';
import { slurmOptionsForm } from '../../shared/kinds/slurm.js';

describe('a value that does not fit its field', () => {
  it('is told in the words of the field’s help, without its regex', () => {
    const form: FormSchema = { fields: [{ name: 'project', type: 'text', label: 'Project', help: 'lower-case letters, then digits', pattern: '[a-z]+[0-9]*' }] };
    const error = () => optionsFromForm(form, { project: ['P 42'] });
    expect(error).toThrow('Project: "P 42" does not match the expected form (lower-case letters, then digits)');
    expect(error).not.toThrow(/\[a-z\]/);
  });

  it('is told so for a mistyped Slurm walltime', () => {
    expect(() => checkOptions(slurmOptionsForm, { req_runtime: '2 hours' })).toThrow(
      'Walltime: "2 hours" does not match the expected form (M, H:M:S or D-H:M:S; empty: the partition default)',
    );
  });

  it('falls back to the pattern for a field that has no help: the only description there is', () => {
    const form: FormSchema = { fields: [{ name: 'dir', type: 'text', pattern: '/[a-z/]*' }] };
    expect(() => checkOptions(form, { dir: 'relative' })).toThrow('dir: "relative" does not match /[a-z/]*');
  });
});
