import { openInBrowser } from '../browser.js';
import { parseCommand, type Command } from '../command.js';
import { withHub } from '../with-hub.js';

export const open: Command = {
  summary: 'print a server’s URL (with its token) and open it in the browser',
  usage: 'open NAME [--print]',
  async run(argv) {
    const { values, args: [name] } = parseCommand(argv, { print: { type: 'boolean' } }, ['NAME']);
    const { url, link } = await withHub(async (hub) => ({
      url: (await hub.open({ name })).url,
      link: values.print ? null : await hub.launchLink(name),
    }));
    process.stdout.write(`${url}\n`);
    if (link) {
      await openInBrowser(link).catch((error: unknown) => {
        process.stderr.write(`hubtray: could not start a browser (${(error as Error).message}); open the URL above yourself\n`);
      });
    }
    return 0;
  },
};
