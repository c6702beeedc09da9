import { openInBrowser } from '../browser.js';
import { parseCommand } from '../command.js';
import { withHub } from '../with-hub.js';
import { errorMessage } from '../../../../shared/error-message.js';

export async function run(argv: string[]): Promise<number> {
  const { values, args: [name] } = parseCommand(argv, { print: { type: 'boolean' } }, ['NAME']);
  const { url, note, link } = await withHub(async (hub) => ({
    ...(await hub.open({ name })),
    link: values.print ? null : await hub.launchLink(name),
  }));
  process.stdout.write(`${url}\n`);
  // E.g. a JupyterHub that takes no token in URLs: the URL is its login page, and the user should know.
  if (note) process.stderr.write(`hubtray: ${note}\n`);
  if (link) {
    await openInBrowser(link).catch((error: unknown) => {
      process.stderr.write(`hubtray: could not start a browser (${errorMessage(error)}); open the URL above yourself\n`);
    });
  }
  return 0;
}
