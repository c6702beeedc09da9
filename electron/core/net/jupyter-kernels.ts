// How busy a Jupyter server's kernels are (GET /api/kernels), asked before a Stop so that work under way is not cut
// off unasked. `no_track_activity` keeps the question itself from counting as activity (for the idle culler).
import { z } from 'zod';
import type { KernelActivity } from '../../../shared/api.js';
import { getJupyterJson } from './jupyter-json.js';

const Kernels = z.array(z.object({ execution_state: z.string().optional() }));

export async function kernelActivity(baseUrl: string, token: string): Promise<KernelActivity> {
  const kernels = await getJupyterJson(baseUrl, token, 'api/kernels?no_track_activity=1', Kernels);
  return { total: kernels.length, busy: kernels.filter((k) => k.execution_state === 'busy').length };
}
