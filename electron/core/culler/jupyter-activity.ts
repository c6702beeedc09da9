// What a Jupyter server itself says about its activity, read the way the idle culler reads it: /api/status (its
// last_activity, which already covers kernels, terminals and API calls, and its open connections), and only when
// that says idle while kernels run, /api/kernels for their execution_state (a kernel busy in time.sleep sends nothing,
// so its last_activity stays at the start of the cell). Neither request counts as activity (`_track_activity` is off
// for /api/status; `no_track_activity` for /api/kernels), so the culler's own checks never keep a server alive.
// The server is a peer: every answer is bounded in time and size and checked before it is believed (jupyter-json.ts).
import { z } from 'zod';
import { getJupyterJson } from '../net/jupyter-json.js';
import { parseTime } from '../../../shared/time.js';

const Status = z.object({ last_activity: z.string().nullable().optional(), connections: z.number().int().min(0).optional(), kernels: z.number().int().min(0).optional() });
const Kernels = z.array(z.object({ execution_state: z.string().optional() }));

export interface JupyterActivity {
  /** The server's last activity; null when it has not said. */
  lastActivity: Date | null;
  connections: number;
  /** Kernels running code now; 0 when they were not asked (status alone settled it). */
  busyKernels: number;
}

export interface ActivityQuestion {
  baseUrl: string;
  token: string;
  /** Whether kernels are asked when the status says idle: not when busy kernels count as idle anyway (cull_busy). */
  askKernels: boolean;
  /** The instant after which activity keeps the server: later activity than this needs no look at the kernels. */
  idleSince: Date;
}

export async function readJupyterActivity(question: ActivityQuestion, timeoutMs?: number): Promise<JupyterActivity> {
  const status = await getJupyterJson(question.baseUrl, question.token, 'api/status', Status, timeoutMs);
  const lastActivity = parseTime(status.last_activity);
  const activity = { lastActivity, connections: status.connections ?? 0, busyKernels: 0 };
  const recent = lastActivity !== null && lastActivity > question.idleSince;
  if (!question.askKernels || recent || activity.connections > 0 || !status.kernels) return activity;
  const kernels = await getJupyterJson(question.baseUrl, question.token, 'api/kernels?no_track_activity=1', Kernels, timeoutMs);
  return { ...activity, busyKernels: kernels.filter((k) => k.execution_state === 'busy').length };
}
