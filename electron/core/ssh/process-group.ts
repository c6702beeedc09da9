// Signals to a helper's whole process group (a ProxyCommand, an OpenSSH master: each started as a group leader), so
// that whatever it started goes too.
import type { ChildProcess } from 'node:child_process';

/** `name` to the group `child` leads; only until its exit is known (`exited`), so that the group is surely ours. */
export function signalGroup(child: ChildProcess, exited: boolean, name: NodeJS.Signals): void {
  const pid = child.pid;
  if (pid === undefined || exited) return;
  try {
    process.kill(-pid, name);
  } catch {
    // Gone already: its exit event is on its way.
  }
}
