// Whether a Stop asks first, the one rule the window, the tray and `hubtray stop` share: only when the server says
// that kernels are running code (Jupyter's /api/kernels execution_state), as JupyterLab's own shutdown warns. A
// server that cannot say (not running, an error, no kernels API) stops at once: a question that cannot be answered
// must not stand between the user and a Stop.
import type { KernelActivity } from './api.js';

/** The busy kernels to ask about, or null when the Stop goes ahead unasked. `kernels` is the Hub's kernels method. */
export async function busyKernels(status: string, kernels: () => Promise<KernelActivity>): Promise<KernelActivity | null> {
  if (status !== 'running') return null;
  const activity = await kernels().catch(() => null);
  return activity && activity.busy > 0 ? activity : null;
}

/** "2 kernels are running code right now (of 3). Stopping lab ends them: what is not saved is lost.", in every face. */
export function stopWarning(name: string, activity: KernelActivity): string {
  const many = activity.busy === 1 ? 'A kernel is' : `${activity.busy} kernels are`;
  const of = activity.total > activity.busy ? ` (of ${activity.total})` : '';
  return `${many} running code right now${of}. Stopping ${name} ends ${activity.busy === 1 ? 'it' : 'them'}: what is not saved is lost.`;
}
