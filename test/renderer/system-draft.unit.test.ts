// The systems editor turns fields into config.json settings and back, checked with config.json's own schema.
import { describe, expect, it } from 'vitest';
import { jupyterhubKind } from '../../shared/kinds/jupyterhub.js';
import { checkDraft, draftFrom } from '../../renderer/src/lib/system-draft.js';
import { joinWords, splitWords } from '../../renderer/src/lib/words.js';

describe('system drafts', () => {
  it('round-trip a system: own fields for the common settings, JSON for the rest', () => {
    const settings = {
      kind: 'ssh',
      host: 'hpc',
      port: 2222,
      cmd: ['/opt/conda/bin/jupyter', 'lab'],
      args: ['--ServerApp.root_dir=/my data'],
      description: 'The cluster',
      environment: { A: '1' },
    };
    const draft = draftFrom('hpc', settings);
    expect(draft.fields).toMatchObject({ host: 'hpc', port: '2222', cmd: '/opt/conda/bin/jupyter lab', args: '"--ServerApp.root_dir=/my data"', user: '' });
    expect(JSON.parse(draft.advanced)).toEqual({ environment: { A: '1' } });
    expect(checkDraft(draft, [])).toEqual({ settings, errors: {} });
  });

  it('puts each problem next to the field that causes it', () => {
    const draft = draftFrom('', { kind: 'ssh' });
    const empty = checkDraft(draft, []);
    expect(empty.settings).toBeNull();
    expect(Object.keys(empty.errors).sort()).toEqual(['host', 'name']);

    const bad = checkDraft({ ...draft, name: 'lab', fields: { ...draft.fields, host: 'lab', port: '70000' }, advanced: '{"poll_interval": 5, "bogus": 1}' }, ['lab']);
    expect(bad.errors.name).toBe('a system named "lab" already exists');
    expect(bad.errors.port).toMatch(/65535/);
    expect(bad.errors.advanced).toMatch(/bogus/);

    expect(checkDraft({ ...draft, name: 'x', fields: { host: 'h' }, advanced: '{' }, []).errors.advanced).toMatch(/^not valid JSON/);
    expect(checkDraft({ ...draft, name: 'x', fields: { host: 'h' }, advanced: '{"host": "other"}' }, []).errors.advanced).toBe('"host" has its own field above; remove it here');
  });

  it('say what a JupyterHub asks for: a password once, from which hubtray makes the token; user is for admins', () => {
    const help = Object.fromEntries(jupyterhubKind.editorFields.map((field) => [field.key, field.help]));
    expect(help.hub_url).toMatch(/user name and password once; hubtray creates an API token/);
    expect(help.user).toMatch(/Leave empty to start your own servers.*hub admin/);
    expect(Object.values(help).join(' ')).not.toMatch(/token is asked for/);
  });

  it('split a command line into words, quotes keeping spaces, and join them back', () => {
    expect(splitWords(` jupyter  lab "--notebook-dir=/my data" '--x="y"' `)).toEqual(['jupyter', 'lab', '--notebook-dir=/my data', '--x="y"']);
    for (const words of [['a', 'b c', ''], ['say "hi"'], ["it's"]]) expect(splitWords(joinWords(words))).toEqual(words);
  });
});
