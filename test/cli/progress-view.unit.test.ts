// A start's progress on a pipe: one line per event, a step with a limit saying how long it may take.
import { PassThrough } from 'node:stream';
import { expect, it } from 'vitest';
import { progressView } from '../../electron/core/cli/progress-view.js';

it('prints each event on its line, with the limit of a step that has one', () => {
  const pipe = new PassThrough();
  let out = '';
  pipe.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const view = progressView(pipe as unknown as NodeJS.WriteStream);
  view.update({ progress: 50, message: 'Server process 12 started on port 20001' });
  view.update({ progress: 70, message: 'Waiting for the server to answer', timeout: 30 });
  expect(out).toBe('[ 50%] Server process 12 started on port 20001\n[ 70%] Waiting for the server to answer (up to 30 s)\n');
});
