// `hubtray serve`: the tray app's hub without the tray, its local API and UI on 127.0.0.1, until Ctrl-C.
import { errorMessage } from '../../../../shared/error-message.js';
import { forgetUiAccess } from '../../api-server/publish.js';
import { refuseIfRunning } from '../../boundary/registration.js';
import { ensureHubHome, hubPaths, type HubPaths } from '../../config/paths.js';
import { Keychain } from '../../secrets/keychain.js';
import { serveHub } from '../../serving/served-hub.js';
import { openInBrowser } from '../browser.js';
import { parseCommand, UsageError } from '../command.js';
import { serveLogger } from '../serve-log.js';
import { hubtrayVersion } from '../version.js';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { port: { type: 'string' }, open: { type: 'boolean' }, 'new-token': { type: 'boolean' } }, []);
  const port = parsePort(values.port);
  const paths = await ensureHubHome(hubPaths());
  if (values['new-token']) {
    // The UI's token is kept from one run to the next, so that open tabs survive a restart; forgetting it before
    // the hub starts makes that hub print a new one and shuts out every tab that has the old. Not while a hub runs:
    // its tabs would keep a token that the keychain no longer holds.
    await refuseIfRunning(paths.home);
    await forgetUiAccess(new Keychain(), paths.home);
  }
  return runServing(paths, port, values.open ?? false);
}

async function runServing(paths: HubPaths, port: number, open: boolean): Promise<number> {
  const version = hubtrayVersion();
  const { hub, api, close } = await serveHub({ home: paths.home, version, port });
  const unsubscribe = hub.subscribe(serveLogger());
  try {
    if (open) {
      // A single-use link: the token must not sit in the opener's argv, where any local user's `ps` can read it.
      await openInBrowser(api.uiLink()).catch((error: unknown) => {
        process.stderr.write(`hubtray: could not start a browser (${errorMessage(error)}); open the UI address below yourself\n`);
      });
    }
    process.stdout.write(
      `hubtray ${version} is serving at ${api.url} (pid ${process.pid})\n` +
        // Like Jupyter's own start-up line: the address a person opens, with the credential that lets them in.
        `UI: ${api.uiUrl}\n` +
        `config: ${paths.config}\n` +
        'Stop with Ctrl-C. Running servers keep running; the next hubtray re-attaches to them.\n',
    );
    await termination();
  } finally {
    unsubscribe();
    await close();
  }
  return 0;
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`--port must be a port number (0-65535), not "${text}"`);
  return port;
}

/** Resolves on the first SIGINT or SIGTERM; a second one then ends the process the default way. */
function termination(): Promise<void> {
  return new Promise((resolve) => {
    const handler = () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      resolve();
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}
