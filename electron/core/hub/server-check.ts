// Is a server still there? The process check (or the scheduler, or the remote hub) first, then the server's own HTTP
// answer with its token. Where poll() reads a process table that can misreport, "exited" needs both to agree; anything
// else that is not "running" is "cannot tell", because an exited server's token, tunnel and run folder are deleted
// and a wrong "exited" loses a live server. A server whose process runs is asked over HTTP only when the caller
// wants it (`askHttpIfRunning`): that answer only words its status, and over a tunnel it costs a new SSH channel.
import { errorMessage } from '../../../shared/error-message.js';
import type { PollOptions, Spawner } from '../spawner/spawner.js';

export type Verdict =
  /** `answers` is null when it was not asked. */
  | { state: 'running'; answers: boolean | null }
  | { state: 'exited'; status: number }
  | { state: 'unknown'; why: string };

export async function checkServer(
  spawner: Pick<Spawner, 'poll' | 'confirmsExitByHttp'>,
  answersHttp: () => Promise<boolean>,
  options: PollOptions = {},
  askHttpIfRunning = true,
): Promise<Verdict> {
  let status: number | null;
  try {
    status = await spawner.poll(options);
  } catch (error) {
    return { state: 'unknown', why: `hubtray cannot check it: ${errorMessage(error)}` };
  }
  if (status !== null && !spawner.confirmsExitByHttp) return { state: 'exited', status };
  if (status === null && !askHttpIfRunning) return { state: 'running', answers: null };
  const answers = await answersHttp();
  if (status === null) return { state: 'running', answers };
  if (answers) return { state: 'unknown', why: 'its process check says it has exited, but it still answers HTTP with its token' };
  return { state: 'exited', status };
}
