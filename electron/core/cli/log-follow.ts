// `hubtray logs NAME --follow`: the server's log as it grows, like `tail -f`: its newest part, then each piece as the
// hub reads it. The log goes to standard output as it is; what hubtray says about it (a truncated log, a part
// skipped, the server's end) goes to standard error. It ends when the server has ended, or at Ctrl-C or SIGTERM.
import { HubError, type LogChunk } from '../../../shared/api.js';
import type { HubClient } from '../api-client/client.js';

export async function followLog(hub: HubClient, name: string): Promise<number> {
  let settle!: (outcome: Error | null) => void;
  const done = new Promise<Error | null>((resolve) => (settle = resolve));
  let shownTo: number | null = null;
  const show = (chunk: LogChunk) => {
    // A piece that does not carry on from the last one starts the log anew (truncated, replaced, skipped ahead).
    if (shownTo !== null && chunk.from !== shownTo && !chunk.text.startsWith('\n')) process.stdout.write('\n');
    process.stdout.write(chunk.text);
    shownTo = chunk.to;
    if (chunk.note) process.stderr.write(`hubtray: ${name}: ${chunk.note}\n`);
    if (chunk.ended) settle(null);
  };
  const leave = await hub.followLog(name, show, {
    onClose: (reason, refused) => settle(new HubError(refused ?? 'unavailable', refused ? reason : `lost the connection to hubtray: ${reason}`)),
  });
  const stopped = () => settle(null);
  process.on('SIGINT', stopped);
  process.on('SIGTERM', stopped);
  try {
    const failure = await done;
    if (failure) throw failure;
    return 0;
  } finally {
    process.off('SIGINT', stopped);
    process.off('SIGTERM', stopped);
    await leave();
  }
}
