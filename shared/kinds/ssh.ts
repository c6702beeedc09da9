// `ssh`: a server on an SSH host, detached there and reached through a tunnel.
import { z } from 'zod';
import { defineKind } from './kind.js';
import { EnvironmentSettings, ForwardSettings, pythonEnvironmentField, SpawnerSettings, SshHostSettings, shellEditorFields, sshEditorFields } from './settings.js';
import { FormSchema } from '../forms.js';
import { strictSettings } from '../zod-words.js';

export const SshSystem = strictSettings(
  SpawnerSettings.extend({
    kind: z.literal('ssh'),
    ...SshHostSettings.shape,
    ...EnvironmentSettings.shape,
    ...ForwardSettings.shape,
    // The host's environments are its one choice out of the box (the live form lists those found there).
    options_form: FormSchema.default(() => ({ fields: [pythonEnvironmentField] })),
    apply_user_options: z.record(z.string(), z.string()).default(() => ({ python_environment: 'python_environment' })),
  }),
);
export type SshSystemConfig = z.infer<typeof SshSystem>;

export const sshKind = defineKind({
  kind: 'ssh',
  schema: SshSystem,
  label: 'SSH host',
  add: 'an SSH host',
  editorFields: [...sshEditorFields, ...shellEditorFields],
  describe: (config) => `JupyterLab on ${config.host} over SSH`,
});
