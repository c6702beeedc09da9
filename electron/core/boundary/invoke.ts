// One method call across a trust boundary: arguments checked before the Hub sees them, the result checked before
// the caller does. Every face that takes calls from outside the process goes through here.
import { parseArgs, parseResult, type HubApi, type MethodName, type MethodResult } from '../../../shared/api.js';

export async function invoke<M extends MethodName>(hub: HubApi, method: M, rawArgs: unknown): Promise<MethodResult<M>> {
  const args = parseArgs(method, rawArgs);
  // The method table is generic over M; TypeScript cannot correlate hub[M] with M's argument type.
  const call = hub[method] as (args: unknown) => Promise<unknown>;
  return parseResult(method, await call.call(hub, args));
}
