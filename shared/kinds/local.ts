// `local`: LocalProcessSpawner semantics on this computer.
import { z } from 'zod';
import { defineKind } from './kind.js';
import { SpawnerSettings, shellEditorFields } from './settings.js';
import { strictSettings } from '../zod-words.js';

export const LocalSystem = strictSettings(SpawnerSettings.extend({ kind: z.literal('local') }));
export type LocalSystemConfig = z.infer<typeof LocalSystem>;

export const localKind = defineKind({
  kind: 'local',
  schema: LocalSystem,
  label: 'This computer',
  add: 'this computer',
  editorFields: shellEditorFields,
  describe: () => 'JupyterLab on this computer',
});
