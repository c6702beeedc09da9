// The last line of defence of a hub process (`serve`, the tray): a promise rejection that nothing owns is a bug, but
// it must not take down the Hub and with it every tunnel the user has open. Node's default is to exit; this handler
// tells the user (a notice, and so hub.log) and the process's stderr, and the Hub keeps serving.
import { errorMessage } from '../../../shared/error-message.js';
import { boundedText } from '../../../shared/text.js';

export function keepRunningOnUnhandledRejections(report: (message: string) => void): () => void {
  const handler = (reason: unknown) => {
    const message = boundedText(`hubtray: a background task failed and nothing handled it (please report this): ${errorMessage(reason)}`);
    process.stderr.write(`${message}\n`);
    report(message);
  };
  process.on('unhandledRejection', handler);
  return () => process.off('unhandledRejection', handler);
}
