import { publishApi } from '../../api-server/publish.js';
import { openInBrowser } from '../browser.js';
import { refuseIfRunning } from '../../api-server/discovery.js';
import { lockHome } from '../../api-server/hub-lock.js';
import { ensureHubHome, hubPaths, type HubPaths } from '../../config/paths.js';
import { Hub } from '../../hub/hub.js';
import { Keychain } from '../../secrets/keychain.js';
import { parseCommand, UsageError, type Command } from '../command.js';
import { serveLogger } from '../serve-log.js';
import { hubtrayVersion } from '../version.js';

export const serve: Command = {
  summary: 'run the hub without the tray app (for machines without a desktop), until Ctrl-C',
  usage: 'serve [--port N] [--open]',
  async run(argv) {
    const { values } = parseCommand(argv, { port: { type: 'string' }, open: { type: 'boolean' } }, []);
    const port = parsePort(values.port);
    const paths = await ensureHubHome(hubPaths());
    // Before Hub.open: a second hub must not even re-attach to the servers the first one manages. The lock settles
    // two serves started at once; the registration check catches a tray app, which registers without it.
    const lock = await lockHome(paths.home);
    try {
      await refuseIfRunning(paths.home);
      return await serveHub(paths, port, values.open ?? false);
    } finally {
      await lock.release();
    }
  },
};

async function serveHub(paths: HubPaths, port: number, open: boolean): Promise<number> {
  const hub = await Hub.open({ home: paths.home });
  for (const warning of hub.warnings) process.stderr.write(`hubtray: warning: ${warning}\n`);
  const version = hubtrayVersion();
  let api;
  try {
    api = await publishApi(hub, { home: paths.home, secrets: new Keychain(), version, port });
  } catch (error) {
    await hub.close();
    throw error;
  }
  const unsubscribe = hub.subscribe(serveLogger());
  if (open) {
    // A single-use link: the token must not sit in the opener's argv, where any local user's `ps` can read it.
    await openInBrowser(api.uiLink()).catch((error: unknown) => {
      process.stderr.write(`hubtray: could not start a browser (${(error as Error).message}); open the UI address below yourself\n`);
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
  unsubscribe();
  await api.close();
  await hub.close();
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
