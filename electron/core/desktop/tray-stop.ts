// The tray's Stop asks the window's question: a menu item cannot hold a dialog, so when the server's kernels are
// running code (shared/stop-question.ts), the window opens on the server with the confirmation instead of stopping.
import type { KernelActivity, ServerInfo } from '../../../shared/api.js';
import { busyKernels } from '../../../shared/stop-question.js';

export interface TrayStopDeps {
  /** The Hub's kernels method for this server. */
  kernels(): Promise<KernelActivity>;
  stop(): Promise<unknown>;
  /** Shows the server's page in the window with the Stop question open. */
  askInWindow(): void;
}

/**
 * What the tray did: stopped at once, or handed the question to the window. `status` is the server's as the tray
 * lists it; one the tray no longer knows goes straight to the Hub, whose answer says why it cannot be stopped.
 */
export async function trayStop(status: ServerInfo['status'] | undefined, deps: TrayStopDeps): Promise<'stopped' | 'asked'> {
  if (status && (await busyKernels(status, () => deps.kernels()))) {
    deps.askInWindow();
    return 'asked';
  }
  await deps.stop();
  return 'stopped';
}
